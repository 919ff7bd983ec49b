/**
 * Reading and changing an organization's attribution settings (`org.settings.attribution`),
 * through the one writer of the settings row (`changeSettingsRow`: locked, audited).
 */
import type { Scope } from '../scope.js';
import { changeSettingsRow } from '../settings/index.js';
import { parseInput } from '../validation.js';
import { type AttributionSettingsUpdate, attributionSettingsUpdateSchema } from './schema.js';
import {
  type AttributionSettings,
  attributionSettingsSchema,
  getAttributionSettings,
} from './settings.js';

async function readSettings(scope: Scope, lock: boolean): Promise<AttributionSettings> {
  if (!lock) return getAttributionSettings(scope);
  await scope.db
    .selectFrom('organization_settings')
    .select('organization_id')
    .where('organization_id', '=', scope.organizationId)
    .forUpdate()
    .execute();
  return getAttributionSettings(scope);
}

/**
 * Changes the organization's attribution settings (admin+): the fields given replace the
 * stored ones (`touches` and `lookbackDays` field by field). Audited with before/after; a
 * change that changes nothing writes nothing. Credits already computed stay as they are:
 * `org.attribution.recompute` applies new settings to past conversions.
 * @throws `VALIDATION_FAILED` naming the field.
 * @example await org.settings.attribution.set({ touches: { open: true }, lookbackDays: { open: 2 } })
 */
export async function setAttributionSettings(
  scope: Scope,
  input: AttributionSettingsUpdate,
): Promise<AttributionSettings> {
  const update = parseInput(attributionSettingsUpdateSchema, input ?? {}, {
    what: 'attribution settings',
  });
  return changeSettingsRow(scope, {
    read: readSettings,
    apply: (current) =>
      parseInput(
        attributionSettingsSchema,
        {
          ...current,
          ...update,
          touches: { ...current.touches, ...update.touches },
          lookbackDays: { ...current.lookbackDays, ...update.lookbackDays },
        },
        { what: 'attribution settings' },
      ),
    same: (a, b) => JSON.stringify(a) === JSON.stringify(b),
    columns: (after) => ({ attribution: JSON.stringify(after) }),
    audit: { action: 'attribution_settings.update', entity: 'attribution_settings' },
  });
}

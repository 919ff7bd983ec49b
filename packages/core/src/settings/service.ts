/**
 * The organization's sending settings (`organization_settings`, migration 0016): the time
 * zone used for recipients whose own zone is unknown, and the frequency cap per channel.
 * A missing row means every default ({@link DEFAULT_SENDING_SETTINGS}).
 */
import type { Selectable } from 'kysely';
import { recordAudit } from '../audit/index.js';
import type { Channel, OrganizationSettingsTable } from '../db/types.js';
import { inTransaction, type Scope } from '../scope.js';
import { parseInput } from '../validation.js';
import { type SendingSettingsUpdate, sendingSettingsUpdateSchema } from './schema.js';
import { canonicalTimeZone } from './time-zone.js';

/** At most `messages` per customer on a channel within the last `days` days. */
export interface FrequencyCap {
  messages: number;
  days: number;
}

/** The organization's sending settings. */
export interface SendingSettings {
  /**
   * IANA zone for recipients whose zone is unknown (quiet hours).
   * @default 'UTC'
   */
  timeZone: string;
  /**
   * The frequency cap per channel; `null` = none.
   * @default { email: null, sms: null }
   */
  frequencyCap: Record<Channel, FrequencyCap | null>;
}

/**
 * The settings of an organization that never set any: UTC (neutral: it favours no
 * country, and the zone only matters for recipients with neither a phone country nor an
 * address country) and no frequency cap (a cap silently shrinks audiences, so it is the
 * organization's choice). Equal to the column defaults of migration 0016.
 */
export const DEFAULT_SENDING_SETTINGS: Readonly<SendingSettings> = Object.freeze({
  timeZone: 'UTC',
  frequencyCap: Object.freeze({ email: null, sms: null }),
});

/** The columns of the settings this module owns. */
const COLUMNS = [
  'time_zone',
  'frequency_cap_email_messages',
  'frequency_cap_email_days',
  'frequency_cap_sms_messages',
  'frequency_cap_sms_days',
] as const;

type SettingsRow = Pick<Selectable<OrganizationSettingsTable>, (typeof COLUMNS)[number]>;

const capOf = (messages: number | null, days: number | null): FrequencyCap | null =>
  messages === null || days === null ? null : { messages, days };

function toSettings(row: SettingsRow | undefined): SendingSettings {
  if (!row) return { ...DEFAULT_SENDING_SETTINGS, frequencyCap: { email: null, sms: null } };
  return {
    timeZone: row.time_zone,
    frequencyCap: {
      email: capOf(row.frequency_cap_email_messages, row.frequency_cap_email_days),
      sms: capOf(row.frequency_cap_sms_messages, row.frequency_cap_sms_days),
    },
  };
}

/** The stored settings (defaults without a row); `lock` holds the row for an update. */
async function readSettings(scope: Scope, lock = false): Promise<SendingSettings> {
  let query = scope.db
    .selectFrom('organization_settings')
    .select(COLUMNS)
    .where('organization_id', '=', scope.organizationId);
  if (lock) query = query.forUpdate();
  return toSettings(await query.executeTakeFirst());
}

/** The organization's sending settings (defaults when never set). */
export async function getSendingSettings(scope: Scope): Promise<SendingSettings> {
  return readSettings(scope);
}

const sameCap = (a: FrequencyCap | null, b: FrequencyCap | null) =>
  a === b || (a !== null && b !== null && a.messages === b.messages && a.days === b.days);

const sameSettings = (a: SendingSettings, b: SendingSettings) =>
  a.timeZone === b.timeZone &&
  sameCap(a.frequencyCap.email, b.frequencyCap.email) &&
  sameCap(a.frequencyCap.sms, b.frequencyCap.sms);

/**
 * Changes the settings given (admin+); the others keep their value, a cap set to `null`
 * is removed. Audited with before/after in the same transaction; a call that changes
 * nothing writes nothing.
 * @throws `VALIDATION_FAILED` for an unknown time zone or a cap out of range, naming the field.
 * @example
 * await org.settings.sending.set({ timeZone: 'Europe/London', frequencyCap: { sms: { messages: 2, days: 7 } } });
 */
export async function setSendingSettings(
  scope: Scope,
  input: SendingSettingsUpdate,
): Promise<SendingSettings> {
  const update = parseInput(sendingSettingsUpdateSchema, input ?? {}, {
    what: 'sending settings',
  });
  const apply = (settings: SendingSettings): SendingSettings => ({
    timeZone:
      update.timeZone === undefined
        ? settings.timeZone
        : (canonicalTimeZone(update.timeZone) ?? settings.timeZone),
    frequencyCap: {
      email:
        update.frequencyCap?.email === undefined
          ? settings.frequencyCap.email
          : update.frequencyCap.email,
      sms:
        update.frequencyCap?.sms === undefined
          ? settings.frequencyCap.sms
          : update.frequencyCap.sms,
    },
  });
  const current = await readSettings(scope);
  if (sameSettings(current, apply(current))) return current;
  return inTransaction(scope, async (tx) => {
    const now = tx.clock.now();
    // Make sure there is a row to lock, then decide on the locked value.
    await tx.db
      .insertInto('organization_settings')
      .values({ organization_id: tx.organizationId, updated_at: now })
      .onConflict((oc) => oc.column('organization_id').doNothing())
      .execute();
    const before = await readSettings(tx, true);
    const after = apply(before);
    if (sameSettings(before, after)) return before;
    await tx.db
      .updateTable('organization_settings')
      .set({
        time_zone: after.timeZone,
        frequency_cap_email_messages: after.frequencyCap.email?.messages ?? null,
        frequency_cap_email_days: after.frequencyCap.email?.days ?? null,
        frequency_cap_sms_messages: after.frequencyCap.sms?.messages ?? null,
        frequency_cap_sms_days: after.frequencyCap.sms?.days ?? null,
        updated_at: now,
      })
      .where('organization_id', '=', tx.organizationId)
      .execute();
    await recordAudit(tx, {
      action: 'sending_settings.update',
      entity: 'sending_settings',
      entityId: tx.organizationId,
      before,
      after,
    });
    return after;
  });
}

/**
 * The organization's sending settings (`organization_settings`, migration 0016): the time
 * zone used for recipients whose own zone is unknown, and the frequency cap per channel.
 * A missing row means every default ({@link DEFAULT_SENDING_SETTINGS}).
 */
import type { Selectable } from 'kysely';
import type { Channel, OrganizationSettingsTable } from '../db/types.js';
import { CommonErrorCode, GreenTrackError } from '../errors.js';
import type { Scope } from '../scope.js';
import { parseInput } from '../validation.js';
import { type SendingSettingsUpdate, sendingSettingsUpdateSchema } from './schema.js';
import { changeSettingsRow } from './settings-row.js';
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
  /**
   * Ids of the host's providers per channel, in the order campaign sends try them
   * (failover); `null` = the host's order (`providers` in `createGreenTrack`).
   * @default { email: null, sms: null }
   */
  providers: Record<Channel, string[] | null>;
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
  providers: Object.freeze({ email: null, sms: null }),
});

/** The columns of the settings this module owns. */
const COLUMNS = [
  'time_zone',
  'frequency_cap_email_messages',
  'frequency_cap_email_days',
  'frequency_cap_sms_messages',
  'frequency_cap_sms_days',
  'email_providers',
  'sms_providers',
] as const;

type SettingsRow = Pick<Selectable<OrganizationSettingsTable>, (typeof COLUMNS)[number]>;

const capOf = (messages: number | null, days: number | null): FrequencyCap | null =>
  messages === null || days === null ? null : { messages, days };

function toSettings(row: SettingsRow | undefined): SendingSettings {
  if (!row)
    return {
      ...DEFAULT_SENDING_SETTINGS,
      frequencyCap: { email: null, sms: null },
      providers: { email: null, sms: null },
    };
  return {
    timeZone: row.time_zone,
    frequencyCap: {
      email: capOf(row.frequency_cap_email_messages, row.frequency_cap_email_days),
      sms: capOf(row.frequency_cap_sms_messages, row.frequency_cap_sms_days),
    },
    providers: { email: row.email_providers, sms: row.sms_providers },
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

const sameOrder = (a: string[] | null, b: string[] | null) =>
  a === b || (a !== null && b !== null && a.join('\n') === b.join('\n'));

const sameSettings = (a: SendingSettings, b: SendingSettings) =>
  a.timeZone === b.timeZone &&
  sameCap(a.frequencyCap.email, b.frequencyCap.email) &&
  sameCap(a.frequencyCap.sms, b.frequencyCap.sms) &&
  sameOrder(a.providers.email, b.providers.email) &&
  sameOrder(a.providers.sms, b.providers.sms);

/** Refuses a provider id the host did not configure for the channel, naming it. */
function assertConfigured(
  update: SendingSettingsUpdate,
  configured: Readonly<Record<Channel, readonly string[]>>,
): void {
  for (const channel of ['email', 'sms'] as const) {
    const ids = update.providers?.[channel] ?? [];
    const index = ids.findIndex((id) => !configured[channel].includes(id));
    if (index === -1) continue;
    const message = `not a configured ${channel} provider (configured: ${configured[channel].join(', ')})`;
    throw new GreenTrackError({
      code: CommonErrorCode.VALIDATION_FAILED,
      message: `Invalid sending settings: providers.${channel}.${index}: ${message}`,
      details: { issues: [{ path: `providers.${channel}.${index}`, message }] },
    });
  }
}

/**
 * Changes the settings given (admin+); the others keep their value, a cap set to `null`
 * is removed. Audited with before/after in the same transaction; a call that changes
 * nothing writes nothing.
 * `configuredProviders` lists the host's provider ids per channel: a provider order may
 * name only those.
 * @throws `VALIDATION_FAILED` for an unknown time zone, a cap out of range or a provider id
 * the host did not configure, naming the field.
 * @example
 * await org.settings.sending.set({ timeZone: 'Europe/London', frequencyCap: { sms: { messages: 2, days: 7 } } });
 * await org.settings.sending.set({ providers: { email: ['postmark', 'sendgrid'] } });
 */
export async function setSendingSettings(
  scope: Scope,
  input: SendingSettingsUpdate,
  configuredProviders?: Readonly<Record<Channel, readonly string[]>>,
): Promise<SendingSettings> {
  const update = parseInput(sendingSettingsUpdateSchema, input ?? {}, {
    what: 'sending settings',
  });
  if (configuredProviders) assertConfigured(update, configuredProviders);
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
    providers: {
      email:
        update.providers?.email === undefined ? settings.providers.email : update.providers.email,
      sms: update.providers?.sms === undefined ? settings.providers.sms : update.providers.sms,
    },
  });
  return changeSettingsRow(scope, {
    read: readSettings,
    apply,
    same: sameSettings,
    columns: (after) => ({
      time_zone: after.timeZone,
      frequency_cap_email_messages: after.frequencyCap.email?.messages ?? null,
      frequency_cap_email_days: after.frequencyCap.email?.days ?? null,
      frequency_cap_sms_messages: after.frequencyCap.sms?.messages ?? null,
      frequency_cap_sms_days: after.frequencyCap.sms?.days ?? null,
      email_providers: after.providers.email,
      sms_providers: after.providers.sms,
    }),
    audit: { action: 'sending_settings.update', entity: 'sending_settings' },
  });
}

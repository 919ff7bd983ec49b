/**
 * The organization's answer to an inbound HELP (`organization_settings.sms_help_reply`,
 * migration 0030). Carriers require every sender to answer HELP with who it is and how to
 * opt out; an organization that never wrote its own gets a default that does both.
 */
import type { Scope } from '../scope.js';
import { changeSettingsRow } from '../settings/index.js';
import { parseInput } from '../validation.js';
import { type SmsKeywordSettingsUpdate, smsKeywordSettingsUpdateSchema } from './schema.js';

/** An organization's SMS keyword settings. */
export interface SmsKeywordSettings {
  /**
   * The organization's own HELP answer; `null` = the default.
   * @default null
   */
  helpReply: string | null;
  /** What a HELP is answered with now: `helpReply`, or the default naming the organization. */
  effectiveHelpReply: string;
}

/**
 * The HELP answer of an organization that set none: its name, what the texts are, how to
 * stop and restart them, and the rates notice US carriers ask for.
 * @example defaultHelpReply('Green Shop')
 * // 'Green Shop: marketing texts. Reply STOP to unsubscribe, START to subscribe again. Msg & data rates may apply.'
 */
export function defaultHelpReply(organizationName: string): string {
  return `${organizationName}: marketing texts. Reply STOP to unsubscribe, START to subscribe again. Msg & data rates may apply.`;
}

async function readHelpReply(scope: Scope, lock = false): Promise<string | null> {
  let query = scope.db
    .selectFrom('organization_settings')
    .select('sms_help_reply')
    .where('organization_id', '=', scope.organizationId);
  if (lock) query = query.forUpdate();
  return (await query.executeTakeFirst())?.sms_help_reply ?? null;
}

async function withEffective(scope: Scope, helpReply: string | null): Promise<SmsKeywordSettings> {
  if (helpReply !== null) return { helpReply, effectiveHelpReply: helpReply };
  const organization = await scope.db
    .selectFrom('organizations')
    .select('name')
    .where('id', '=', scope.organizationId)
    .executeTakeFirstOrThrow();
  return { helpReply, effectiveHelpReply: defaultHelpReply(organization.name) };
}

/** The organization's SMS keyword settings (the default HELP answer when never set). */
export async function getSmsKeywordSettings(scope: Scope): Promise<SmsKeywordSettings> {
  return withEffective(scope, await readHelpReply(scope));
}

/**
 * Sets the HELP answer (admin+), or `null` for the default again. Audited with before/after
 * in the same transaction; a change that changes nothing writes nothing.
 * @throws `VALIDATION_FAILED` naming `helpReply` (empty, or over 320 characters).
 * @example await org.settings.smsKeywords.set({ helpReply: 'Green Shop: call 415-555-0100. Reply STOP to opt out.' })
 */
export async function setSmsKeywordSettings(
  scope: Scope,
  input: SmsKeywordSettingsUpdate,
): Promise<SmsKeywordSettings> {
  const update = parseInput(smsKeywordSettingsUpdateSchema, input ?? {}, {
    what: 'SMS keyword settings',
  });
  const helpReply = await changeSettingsRow(scope, {
    read: readHelpReply,
    apply: () => update.helpReply,
    same: (a, b) => a === b,
    columns: (after) => ({ sms_help_reply: after }),
    audit: { action: 'sms_keywords.update', entity: 'sms_keyword_settings' },
  });
  return withEffective(scope, helpReply);
}

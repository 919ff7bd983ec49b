/**
 * Conformance (`pnpm test:conformance`): every message status Twilio's official OpenAPI
 * lists (`message_enum_status` in `../shared/spec/providers/twilio/twilio_api_v2010.json`,
 * read in place) has a deliberate entry in the status-callback table, and the table names
 * no status Twilio does not have: a status added to the API shows up here, not as a
 * callback silently ignored in production.
 */
import { describe, expect, it } from 'vitest';
import { readSpecFile } from '../../../../conformance.shared.js';
import { TWILIO_STATUS_EFFECTS } from './webhook-events.js';

interface TwilioSpec {
  components: { schemas: Record<string, { enum?: string[] }> };
}

describe('Twilio status callbacks against the official OpenAPI', () => {
  it('maps exactly the message statuses of message_enum_status', () => {
    const spec = JSON.parse(readSpecFile('providers/twilio/twilio_api_v2010.json')) as TwilioSpec;
    const statuses = spec.components.schemas.message_enum_status?.enum ?? [];
    expect(statuses.length).toBeGreaterThan(10);
    expect(Object.keys(TWILIO_STATUS_EFFECTS).sort()).toEqual([...statuses].sort());
  });
});

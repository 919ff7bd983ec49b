/**
 * Conformance (`pnpm test:conformance`): the requests the Twilio adapter sends through the
 * real SDK, recorded by the local server, validated against Twilio's official OpenAPI
 * (`../shared/spec/providers/twilio/twilio_api_v2010.json`, read in place): the operation's
 * path and method, and the form body against the `Messages.json` create schema. The local
 * server's Message resource is checked against the spec's response schema too, so the rig
 * cannot drift from the wire format it stands in for.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSpecFile } from '../../../../conformance.shared.js';
import { startTwilioRig, TEST_ACCOUNT_SID, type TwilioRig } from './conformance-rig.js';
import { twilioSms } from './provider.js';

const SPEC_FILE = 'providers/twilio/twilio_api_v2010.json';
const MESSAGES_PATH = '/2010-04-01/Accounts/{AccountSid}/Messages.json';

interface JsonSchema {
  type?: string;
  properties?: Record<string, JsonSchema>;
  pattern?: string;
  items?: JsonSchema;
}

interface Operation {
  parameters: Array<{ name: string; in: string; schema: JsonSchema }>;
  requestBody: { content: Record<string, { schema: JsonSchema }> };
  responses: Record<string, { content: Record<string, { schema: { $ref: string } }> }>;
}

interface TwilioSpec {
  paths: Record<string, { post?: Operation }>;
  components: { schemas: Record<string, JsonSchema> };
}

/** A validator for `schema`, whose `$ref`s point into the spec's components. */
function validatorFor(spec: TwilioSpec, schema: object): ValidateFunction {
  // OpenAPI 3.0 keywords (`nullable`, `x-twilio`) are not JSON Schema: ignore, don't fail.
  const ajv = new Ajv({ strict: false, coerceTypes: true, allErrors: true });
  ajv.addFormat('phone-number', /^\+[1-9]\d{1,14}$/);
  ajv.addFormat('uri', { validate: (value: string) => URL.canParse(value) });
  ajv.addFormat('date-time', { validate: (value: string) => !Number.isNaN(Date.parse(value)) });
  ajv.addFormat('date-time-rfc-2822', {
    validate: (value: string) => !Number.isNaN(Date.parse(value)),
  });
  ajv.addFormat('currency', /^[A-Z]{3}$/);
  // Twilio's name for an object of URIs; a format only ever checks strings.
  ajv.addFormat('uri-map', true);
  return ajv.compile({ ...schema, components: spec.components });
}

/** A recorded form as the schema sees it: repeated keys as arrays where the schema says so. */
function formObject(form: URLSearchParams, schema: JsonSchema): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const key of new Set(form.keys())) {
    body[key] = schema.properties?.[key]?.type === 'array' ? form.getAll(key) : form.get(key);
  }
  return body;
}

describe('Twilio Messages create vs the official OpenAPI (api_v2010)', () => {
  let spec: TwilioSpec;
  let operation: Operation;
  let rig: TwilioRig;

  beforeAll(async () => {
    spec = JSON.parse(readSpecFile(SPEC_FILE)) as TwilioSpec;
    const post = spec.paths[MESSAGES_PATH]?.post;
    if (!post) throw new Error(`${SPEC_FILE} has no POST ${MESSAGES_PATH} any more.`);
    operation = post;
    rig = await startTwilioRig();
    const context = { organizationId: '00000000-0000-4000-8000-000000000001' };
    // The shapes the adapter sends: through a Messaging Service, from a number, with the
    // message's own status callback, and a long Unicode body.
    await rig.provider.send(
      [{ messageId: crypto.randomUUID(), to: '+14155550100', body: 'Hi 🌷', headers: {} }],
      context,
    );
    const fromNumber = twilioSms({
      accountSid: TEST_ACCOUNT_SID,
      authToken: 'test-auth-token',
      from: '+14155550199',
      apiOrigin: rig.server.url,
    });
    await fromNumber.send(
      [
        {
          messageId: crypto.randomUUID(),
          to: '+447700900123',
          body: 'Ünïcödé '.repeat(40),
          headers: {},
          statusCallbackUrl: 'https://hooks.example.com/twilio?org=1',
        },
      ],
      context,
    );
  });
  afterAll(() => rig.close());

  it('each request is the POST of the Messages create operation, AccountSid as the spec patterns it', () => {
    expect(rig.server.requests).toHaveLength(2);
    const accountSid = operation.parameters.find((p) => p.name === 'AccountSid' && p.in === 'path');
    const pattern = new RegExp(accountSid?.schema.pattern ?? '(?!)');
    const route = new RegExp(
      `^${MESSAGES_PATH.replace('{AccountSid}', '([^/]+)').replaceAll('.', '\\.')}$`,
    );
    for (const request of rig.server.requests) {
      expect(request.method).toBe('POST');
      const match = route.exec(request.url);
      expect(match?.[1]).toMatch(pattern);
      expect(request.headers['content-type']).toContain('application/x-www-form-urlencoded');
    }
  });

  it('each form body validates against the create schema and uses only its fields', () => {
    const schema = operation.requestBody.content['application/x-www-form-urlencoded']?.schema;
    if (!schema) throw new Error('The create operation has no form body schema any more.');
    const validate = validatorFor(spec, schema);
    for (const request of rig.server.requests) {
      const body = formObject(request.form ?? new URLSearchParams(), schema);
      expect(validate(body), JSON.stringify(validate.errors)).toBe(true);
      expect(Object.keys(body).filter((key) => !(key in (schema.properties ?? {})))).toEqual([]);
    }
    expect(rig.server.requests.map((r) => [...(r.form?.keys() ?? [])].sort())).toEqual([
      ['Body', 'MessagingServiceSid', 'StatusCallback', 'To'],
      ['Body', 'From', 'StatusCallback', 'To'],
    ]);
  });

  it("the local server's 201 Message resource validates against the spec's response schema", async () => {
    const response = operation.responses['201']?.content['application/json']?.schema;
    if (!response) throw new Error('The create operation has no 201 JSON response any more.');
    const validate = validatorFor(spec, response);
    const answer = await fetch(
      `${rig.server.url}/2010-04-01/Accounts/${TEST_ACCOUNT_SID}/Messages.json`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ To: '+14155550100', From: '+14155550199', Body: 'Hi' }),
      },
    );
    expect(answer.status).toBe(201);
    const resource = await answer.json();
    expect(validate(resource), JSON.stringify(validate.errors)).toBe(true);
  });
});

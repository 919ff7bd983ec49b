/**
 * Conformance (`pnpm test:conformance`): the requests the real SDK sends for our adapter are
 * validated against SendGrid's official OpenAPI document (tsg_mail_v3.json, read in place
 * from the shared spec; never copied into the repo) — the request body schema of
 * `POST /v3/mail/send`. The local SendGrid's error bodies are checked against the spec's
 * `ErrorResponse`, so the test server speaks the documented shape too. `npm test` covers the
 * same requests self-contained (sendgrid.test.ts asserts their exact JSON).
 */
import { join } from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import ajvFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSpecFile, specDir } from '../../../../conformance.shared.js';
import { campaignContext, emailMessages } from '../../test/email-fixtures.js';
import { type LocalServer, startLocalServer } from '../../test/local-server.js';
import { SENDGRID_TEST_KEY, sendgridAnswer, sendgridErrors } from '../../test/sendgrid-api.js';
import { sendgrid } from './index.js';

const SPEC_FILE = 'providers/sendgrid/tsg_mail_v3.json';
const SPEC_ID = 'https://greentrack.invalid/spec/tsg_mail_v3.json';
// ajv-formats is CommonJS: depending on the loader its plugin is the default export or
// that export's `default`.
type FormatsPlugin = (ajv: Ajv2020) => unknown;
const formats = ajvFormats as unknown as FormatsPlugin | { default: FormatsPlugin };
const addFormats = typeof formats === 'function' ? formats : formats.default;

interface OpenApi {
  openapi: string;
  paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
}

let spec: OpenApi;
let validateRequest: ValidateFunction;
let validateError: ValidateFunction;
let server: LocalServer;

beforeAll(async () => {
  spec = JSON.parse(readSpecFile(SPEC_FILE)) as OpenApi;
  // OpenAPI 3.1 schemas are JSON Schema 2020-12. The document is added whole so its
  // `#/components/...` references resolve; `strict: false` lets OpenAPI's own keywords
  // (`example`, `nullable`) pass as annotations.
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
  addFormats(ajv);
  ajv.addSchema(spec, SPEC_ID);
  const at = (pointer: string) => {
    const validate = ajv.getSchema(`${SPEC_ID}#${pointer}`);
    if (!validate) throw new Error(`${SPEC_FILE} has nothing at ${pointer}`);
    return validate;
  };
  validateRequest = at('/components/requestBodies/PostMailSend/content/application~1json/schema');
  validateError = at('/components/schemas/ErrorResponse');
  server = await startLocalServer(sendgridAnswer);
});
afterAll(() => server?.close());

const bodies = () => server.requests.map((request) => request.json);

describe(`SendGrid Mail Send requests against ${join(specDir, SPEC_FILE)}`, () => {
  it('is the OpenAPI 3.1 document with POST /v3/mail/send answering 202', () => {
    expect(spec.openapi).toMatch(/^3\.1\./);
    expect(Object.keys(spec.paths['/v3/mail/send']?.post?.responses ?? {})).toContain('202');
  });

  it('every request the adapter sends validates against the PostMailSend body schema', async () => {
    server.requests.length = 0;
    const campaign = sendgrid({ apiKey: SENDGRID_TEST_KEY, baseUrl: server.url });
    const sandboxed = sendgrid({
      apiKey: SENDGRID_TEST_KEY,
      baseUrl: server.url,
      sandboxMode: true,
    });
    await campaign.send(emailMessages(4), campaignContext());
    await campaign.send(emailMessages(2, 'one-off'), { organizationId: 'org-1' });
    await sandboxed.send(emailMessages(2, 'sandbox'), campaignContext());
    const [textOnly, htmlOnly] = emailMessages(2, 'parts');
    if (!textOnly || !htmlOnly) throw new Error('no message');
    textOnly.html = '';
    htmlOnly.text = '';
    await campaign.send([textOnly, htmlOnly], campaignContext());

    expect(server.requests).toHaveLength(10);
    for (const body of bodies()) {
      const valid = validateRequest(body);
      expect(validateRequest.errors ?? [], JSON.stringify(body)).toEqual([]);
      expect(valid).toBe(true);
    }
  });

  it('the validator does reject what the spec forbids (a request without personalizations or with an empty subject)', () => {
    const [body] = bodies() as Array<Record<string, unknown>>;
    const { personalizations: _dropped, ...withoutPersonalizations } = body ?? {};
    expect(validateRequest(withoutPersonalizations)).toBe(false);
    expect(validateRequest({ ...body, subject: '' })).toBe(false);
  });

  it("the local SendGrid's error bodies have the spec's ErrorResponse shape", () => {
    for (const body of [
      sendgridErrors({ message: 'too many requests' }),
      sendgridErrors({
        message: 'Does not contain a valid address.',
        field: 'personalizations.0.to.0.email',
      }),
    ]) {
      expect(validateError(body)).toBe(true);
    }
  });
});

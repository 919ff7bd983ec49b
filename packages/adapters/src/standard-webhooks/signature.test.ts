import { createHmac, randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { STANDARD_WEBHOOK_HEADERS, verifyStandardWebhook } from './index.js';
import { parseSignatureHeader, signedContent } from './signature.js';

// Self-contained counterpart of spec.conformance.test.ts (which reads the shared spec text):
// the header names and the signed-content format checked against the official
// `standardwebhooks` package, the scheme's reference implementation, so `npm test` needs
// nothing outside the repository.

const secret = `whsec_${randomBytes(32).toString('base64')}`;
const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
const id = 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W';

/** Signs with the official library at the current time (its `verify` reads the real clock). */
function officialDelivery(body: string) {
  const seconds = Math.floor(Date.now() / 1000);
  const signature = new Webhook(secret).sign(id, new Date(seconds * 1000), body);
  return { seconds, signature };
}

describe('STANDARD_WEBHOOK_HEADERS, against the official library', () => {
  const body = '{"type":"invoice.paid","data":{"id":"inv_1"}}';

  it('are exactly the three headers it reads: with them it verifies, without any one it refuses', () => {
    const { seconds, signature } = officialDelivery(body);
    const headers: Record<string, string> = {
      [STANDARD_WEBHOOK_HEADERS.id]: id,
      [STANDARD_WEBHOOK_HEADERS.timestamp]: String(seconds),
      [STANDARD_WEBHOOK_HEADERS.signature]: signature,
    };
    expect(Object.keys(headers)).toHaveLength(3);
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
    for (const name of Object.values(STANDARD_WEBHOOK_HEADERS)) {
      const { [name]: _dropped, ...rest } = headers;
      expect(() => new Webhook(secret).verify(body, rest)).toThrow();
    }
  });
});

describe('signedContent, against the official library', () => {
  const bodies = [
    '{"type":"contact.created","timestamp":"2022-11-03T20:26:10.344522Z","data":{"id":"1"}}',
    '{\n  "type": "contact.created",\n  "data": {\n    "id": "1"\n  }\n}',
    '{"name":"Zoë","note":"日本語 ✓"}',
    '',
  ];

  it('is `{id}.{timestamp}.{body}`: its HMAC is the signature the official library makes', () => {
    for (const body of bodies) {
      const seconds = 1_674_087_231;
      const content = signedContent(id, String(seconds), body);
      expect(content.toString('utf8')).toBe(`${id}.${seconds}.${body}`);
      const ours = createHmac('sha256', key).update(content).digest('base64');
      expect(`v1,${ours}`).toBe(new Webhook(secret).sign(id, new Date(seconds * 1000), body));
    }
  });
});

describe('parseSignatureHeader, against the official library', () => {
  it('reads a v1a (ed25519) entry next to the v1 one, which both libraries skip', () => {
    const body = '{"a":1}';
    const { seconds, signature } = officialDelivery(body);
    const v1a = `v1a,${randomBytes(64).toString('base64')}`;
    const header = `${v1a} ${signature}`;
    expect(parseSignatureHeader(header).map((entry) => entry.version)).toEqual(['v1a', 'v1']);
    const headers = {
      'webhook-id': id,
      'webhook-timestamp': String(seconds),
      'webhook-signature': header,
    };
    expect(new Webhook(secret).verify(body, headers)).toEqual({ a: 1 });
    expect(verifyStandardWebhook({ secret, headers, rawBody: body }).id).toBe(id);
  });
});

import { createHmac, randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import {
  type StandardWebhookErrorCode,
  signStandardWebhook,
  verifyStandardWebhook,
  WebhookVerificationError,
} from './index.js';

// The official `standardwebhooks` package is the reference: whatever it signs we must accept,
// and whatever we sign it must accept. It reads the real clock (no injectable `now`), so
// cross-checks that go through its `verify` use the current time.

const newSecret = (): string => `whsec_${randomBytes(32).toString('base64')}`;
const SECRET = newSecret();
const ID = 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W';
const T = 1_674_087_231; // seconds; the spec's example timestamp
const AT_T = () => new Date(T * 1000);
const BODY =
  '{"type":"contact.created","timestamp":"2022-11-03T20:26:10.344522Z","data":{"id":"1"}}';

function headersFor(signature: string, id = ID, timestamp: number | string = T) {
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signature,
  };
}

function officialSign(secret: string, id: string, seconds: number, body: string | Buffer): string {
  return new Webhook(secret).sign(id, new Date(seconds * 1000), body);
}

/** Runs `fn`, asserting it throws our error with `code`; returns the error for more checks. */
function expectCode(fn: () => unknown, code: StandardWebhookErrorCode): WebhookVerificationError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(WebhookVerificationError);
    expect((error as WebhookVerificationError).code).toBe(code);
    return error as WebhookVerificationError;
  }
  throw new Error(`expected ${code}, but nothing was thrown`);
}

describe('known-answer vector', () => {
  // The test vector every Standard Webhooks / Svix reference library checks (e.g. the Svix
  // PHP suite's testSignFunctionWorks). Independent of the npm package, so a shared mistake
  // in both (say, signing the base64 text instead of the decoded key) still gets caught.
  const vector = {
    secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
    timestamp: 1_614_265_330,
    body: '{"test": 2432232314}',
    signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
  };

  it('signs to the published signature, as the official library does', () => {
    const { secret, id, timestamp, body, signature } = vector;
    expect(signStandardWebhook({ secret, id, timestamp, rawBody: body })).toBe(signature);
    expect(officialSign(secret, id, timestamp, body)).toBe(signature);
  });

  it('verifies the published signature', () => {
    const { secret, id, timestamp, body, signature } = vector;
    const result = verifyStandardWebhook({
      secret,
      headers: headersFor(signature, id, timestamp),
      rawBody: body,
      now: () => new Date(timestamp * 1000),
    });
    expect(result).toEqual({
      id,
      timestamp: new Date(timestamp * 1000),
      payload: { test: 2432232314 },
    });
  });
});

describe('cross-check with the official standardwebhooks library', () => {
  const bodies: Record<string, string> = {
    minified: BODY,
    'pretty-printed with trailing newline': `${JSON.stringify(JSON.parse(BODY), null, 2)}\n`,
    'non-ASCII text': '{"name":"Zoë Ångström","note":"日本語 ✓ 🚀"}',
    'escapes and unusual spacing': '{ "a" : "x\\u0041\\n\\"" ,"b":[1 ,2]}',
  };

  for (const [label, body] of Object.entries(bodies)) {
    it(`official signature verifies with ours (${label}; string and bytes)`, () => {
      const signature = officialSign(SECRET, ID, T, body);
      for (const rawBody of [body, Buffer.from(body), new Uint8Array(Buffer.from(body))]) {
        const result = verifyStandardWebhook({
          secret: SECRET,
          headers: headersFor(signature),
          rawBody,
          now: AT_T,
        });
        expect(result.id).toBe(ID);
        expect(result.timestamp.getTime()).toBe(T * 1000);
        expect(result.payload).toEqual(JSON.parse(body));
      }
    });

    it(`our signature verifies with official (${label})`, () => {
      const now = Math.floor(Date.now() / 1000);
      const signature = signStandardWebhook({
        secret: SECRET,
        id: ID,
        timestamp: now,
        rawBody: body,
      });
      expect(signature).toBe(officialSign(SECRET, ID, now, body));
      const official = new Webhook(SECRET).verify(body, headersFor(signature, ID, now));
      expect(official).toEqual(JSON.parse(body));
    });
  }

  it('both reject a body tampered after signing', () => {
    const now = Math.floor(Date.now() / 1000);
    const signature = signStandardWebhook({
      secret: SECRET,
      id: ID,
      timestamp: now,
      rawBody: BODY,
    });
    const tampered = BODY.replace('"id":"1"', '"id":"2"');
    expect(() => new Webhook(SECRET).verify(tampered, headersFor(signature, ID, now))).toThrow();
    expectCode(
      () =>
        verifyStandardWebhook({
          secret: SECRET,
          headers: headersFor(signature, ID, now),
          rawBody: tampered,
        }),
      'WEBHOOK_SIGNATURE_INVALID',
    );
  });
});

describe('verifyStandardWebhook rejects', () => {
  const signature = officialSign(SECRET, ID, T, BODY);
  const verify = (overrides: Partial<Parameters<typeof verifyStandardWebhook>[0]>) =>
    verifyStandardWebhook({
      secret: SECRET,
      headers: headersFor(signature),
      rawBody: BODY,
      now: AT_T,
      ...overrides,
    });

  it('a tampered body: one changed, added or removed byte', () => {
    for (const rawBody of [
      BODY.replace('"1"', '"2"'),
      `${BODY} `,
      BODY.slice(0, -1),
      `${BODY}\n`,
    ]) {
      expectCode(() => verify({ rawBody }), 'WEBHOOK_SIGNATURE_INVALID');
    }
    // Flip one bit inside the JSON: the body stays parseable, only the signature can notice.
    const bytes = Buffer.from(BODY);
    bytes.writeUInt8(bytes.readUInt8(bytes.length - 4) ^ 1, bytes.length - 4); // "1" -> "0"
    expectCode(() => verify({ rawBody: bytes }), 'WEBHOOK_SIGNATURE_INVALID');
  });

  it('a swapped webhook-id or webhook-timestamp (both are signed), before looking at the clock', () => {
    expectCode(
      () => verify({ headers: headersFor(signature, 'msg_other') }),
      'WEBHOOK_SIGNATURE_INVALID',
    );
    // A forged fresh timestamp must read as a bad signature, not as a replay that "nearly" passed.
    expectCode(
      () => verify({ headers: headersFor(signature, ID, T + 1) }),
      'WEBHOOK_SIGNATURE_INVALID',
    );
    expectCode(
      () => verify({ headers: headersFor(signature, ID, T - 86_400) }),
      'WEBHOOK_SIGNATURE_INVALID',
    );
  });

  it('a signature made with another secret', () => {
    expectCode(() => verify({ secret: newSecret() }), 'WEBHOOK_SIGNATURE_INVALID');
  });

  it('a timestamp older or newer than the tolerance, inclusive bounds as in the official library', () => {
    const at = (seconds: number) => () => new Date(seconds * 1000);
    expect(verify({ now: at(T + 300) }).id).toBe(ID);
    expect(verify({ now: at(T - 300) }).id).toBe(ID);
    // Sub-second clock values truncate to the same second as the official library's.
    expect(verify({ now: () => new Date((T + 300) * 1000 + 999) }).id).toBe(ID);
    const stale = expectCode(() => verify({ now: at(T + 301) }), 'WEBHOOK_TIMESTAMP_OUT_OF_RANGE');
    expect(stale.details).toEqual({ timestamp: T, now: T + 301, toleranceSeconds: 300 });
    expectCode(() => verify({ now: at(T - 301) }), 'WEBHOOK_TIMESTAMP_OUT_OF_RANGE');
    expectCode(
      () => verify({ now: at(T + 11), toleranceSeconds: 10 }),
      'WEBHOOK_TIMESTAMP_OUT_OF_RANGE',
    );
    expect(verify({ now: at(T + 10), toleranceSeconds: 10 }).id).toBe(ID);
    expectCode(
      () => verify({ now: at(T + 1), toleranceSeconds: 0 }),
      'WEBHOOK_TIMESTAMP_OUT_OF_RANGE',
    );
  });

  it('a stale delivery signed by the official library (default clock)', () => {
    const old = Math.floor(Date.now() / 1000) - 3600;
    const headers = headersFor(officialSign(SECRET, ID, old, BODY), ID, old);
    expectCode(
      () => verifyStandardWebhook({ secret: SECRET, headers, rawBody: BODY }),
      'WEBHOOK_TIMESTAMP_OUT_OF_RANGE',
    );
    expect(() => new Webhook(SECRET).verify(BODY, headers)).toThrow(/too old/);
  });

  it('each missing or blank signature header, naming it', () => {
    for (const header of ['webhook-id', 'webhook-timestamp', 'webhook-signature'] as const) {
      for (const value of [undefined, '', '   ']) {
        const headers: Record<string, string | undefined> = {
          ...headersFor(signature),
          [header]: value,
        };
        const error = expectCode(() => verify({ headers }), 'WEBHOOK_SIGNATURE_MISSING');
        expect(error.details).toEqual({ header });
      }
    }
    expectCode(() => verify({ headers: {} }), 'WEBHOOK_SIGNATURE_MISSING');
    expectCode(() => verify({ headers: new Headers() }), 'WEBHOOK_SIGNATURE_MISSING');
  });

  it('a signature header with only v1a / unknown versions, even if they carry the right HMAC', () => {
    const hmac = signature.slice('v1,'.length);
    // Guards against a prefix check like `startsWith('v1')`, which would accept `v1a,...`.
    for (const header of [`v1a,${hmac}`, `v2,${hmac}`, `V1,${hmac}`, hmac, `,${hmac}`]) {
      const error = expectCode(
        () => verify({ headers: headersFor(header) }),
        'WEBHOOK_SIGNATURE_INVALID',
      );
      expect(error.message).toMatch(/no v1/);
    }
  });

  it('non-canonical spellings of the right signature (no lenient base64 decoding)', () => {
    const hmac = signature.slice('v1,'.length);
    for (const spelled of [
      hmac.replace(/=$/, ''),
      `${hmac}AA`,
      `${hmac}!`,
      hmac.replace(/\+/g, '-'),
    ]) {
      if (spelled === hmac) continue;
      expectCode(
        () => verify({ headers: headersFor(`v1,${spelled}`) }),
        'WEBHOOK_SIGNATURE_INVALID',
      );
    }
  });

  it('an authentic delivery whose timestamp is not whole seconds', () => {
    for (const timestamp of ['1674087231.5', '1674087231000000000', '-1674087231', '0x63c8']) {
      // HMAC by hand: our signer refuses to produce such a timestamp, the official one
      // normalises it to a number first.
      const headers = headersFor(`v1,${hmacOf(`${ID}.${timestamp}.${BODY}`)}`, ID, timestamp);
      expectCode(() => verify({ headers }), 'WEBHOOK_TIMESTAMP_INVALID');
    }
  });

  it('an authentic delivery whose body is not UTF-8 JSON', () => {
    for (const rawBody of ['not json', '', Buffer.from([0x7b, 0xff, 0x7d])]) {
      const signed = signStandardWebhook({ secret: SECRET, id: ID, timestamp: T, rawBody });
      expectCode(() => verify({ rawBody, headers: headersFor(signed) }), 'WEBHOOK_PAYLOAD_INVALID');
    }
  });

  it('a misconfigured secret, as a secret error rather than a forged request', () => {
    const cases = [
      '',
      '   ',
      'whsec_',
      'whsec_not base64!',
      'whsec_abc',
      'whsec_QUJD-_',
      'whsk_abcd',
      'whpk_MCowBQYDK2VwAyEA',
    ];
    for (const secret of cases) expectCode(() => verify({ secret }), 'WEBHOOK_SECRET_INVALID');
    // Messages go to logs: a nearly-right secret must not be echoed.
    const typo = `${SECRET}!`;
    const error = expectCode(() => verify({ secret: typo }), 'WEBHOOK_SECRET_INVALID');
    expect(error.message).not.toContain(SECRET.slice('whsec_'.length, 20));
  });

  it('an unusable tolerance or clock, as a programming error', () => {
    expect(() => verify({ toleranceSeconds: -1 })).toThrow(TypeError);
    expect(() => verify({ toleranceSeconds: Number.NaN })).toThrow(TypeError);
    expect(() => verify({ toleranceSeconds: Number.POSITIVE_INFINITY })).toThrow(TypeError);
    expect(() => verify({ now: () => new Date(Number.NaN) })).toThrow(TypeError);
  });

  it('without revealing the expected signature in the error (no signing oracle)', () => {
    const error = expectCode(
      () => verify({ headers: headersFor('v1,AAAA') }),
      'WEBHOOK_SIGNATURE_INVALID',
    );
    const expected = signature.slice('v1,'.length);
    expect(JSON.stringify(error.toJSON())).not.toContain(expected);
    expect(error.message).not.toContain(expected);
    expect(error.toJSON()).toEqual({
      code: 'WEBHOOK_SIGNATURE_INVALID',
      message: error.message,
      details: { versions: ['v1'] },
    });
  });
});

describe('verifyStandardWebhook accepts', () => {
  const signature = officialSign(SECRET, ID, T, BODY);
  const verify = (headers: Parameters<typeof verifyStandardWebhook>[0]['headers']) =>
    verifyStandardWebhook({ secret: SECRET, headers, rawBody: BODY, now: AT_T });

  it('several signatures where only the second matches (secret rotation)', () => {
    const oldSecretSig = officialSign(newSecret(), ID, T, BODY);
    expect(verify(headersFor(`${oldSecretSig} ${signature}`)).id).toBe(ID);
    expect(verify(headersFor(`v1,Zm9v ${signature}`)).id).toBe(ID);
    // Extra whitespace between entries, as a hand-rolled sender might produce.
    expect(verify(headersFor(`  ${oldSecretSig}   ${signature} `)).id).toBe(ID);
  });

  it('v1a and unknown-version entries are skipped, not fatal, when a v1 entry matches', () => {
    const ed25519 = `v1a,${randomBytes(64).toString('base64')}`;
    expect(verify(headersFor(`${ed25519} ${signature}`)).id).toBe(ID);
    expect(verify(headersFor(`${signature} ${ed25519}`)).id).toBe(ID);
    expect(
      verify(headersFor(`v2,${randomBytes(32).toString('base64')} garbage ${signature}`)).id,
    ).toBe(ID);
  });

  it('a Fetch Headers object, including repeated signature lines joined with ", "', () => {
    expect(verify(new Headers(headersFor(signature))).id).toBe(ID);
    const repeated = new Headers({ 'webhook-id': ID, 'webhook-timestamp': String(T) });
    // The matching line first: the join leaves a trailing comma on it ("v1,<sig>, v1,<other>").
    repeated.append('webhook-signature', signature);
    repeated.append('webhook-signature', officialSign(newSecret(), ID, T, BODY));
    expect(repeated.get('webhook-signature')?.startsWith(`${signature}, v1,`)).toBe(true);
    expect(verify(repeated).id).toBe(ID);
  });

  it('a plain record with any key casing and Node-style array values', () => {
    expect(
      verify({ 'Webhook-Id': ID, 'WEBHOOK-TIMESTAMP': String(T), 'Webhook-Signature': signature })
        .id,
    ).toBe(ID);
    expect(
      verify({
        'webhook-id': [ID],
        'webhook-timestamp': ` ${T} `,
        'webhook-signature': ['v1,Zm9v', signature],
        'content-type': 'application/json',
      }).id,
    ).toBe(ID);
  });

  it('a duplicated webhook-id only if the signature covers the joined value (no first-wins)', () => {
    // Headers.get would give "msg_a, msg_b"; a record must not quietly pick "msg_a".
    const twoIds = { ...headersFor(signature), 'webhook-id': [ID, 'msg_other'] };
    expectCode(() => verify(twoIds), 'WEBHOOK_SIGNATURE_INVALID');
  });

  it('a secret given without the whsec_ prefix', () => {
    const bare = SECRET.slice('whsec_'.length);
    expect(
      verifyStandardWebhook({
        secret: bare,
        headers: headersFor(signature),
        rawBody: BODY,
        now: AT_T,
      }).id,
    ).toBe(ID);
  });
});

describe('signStandardWebhook', () => {
  it('signs the exact bytes: a string and its UTF-8 bytes give the same signature, other bytes do not', () => {
    const text = '{"é":"✓"}';
    const fromText = signStandardWebhook({ secret: SECRET, id: ID, timestamp: T, rawBody: text });
    expect(
      signStandardWebhook({
        secret: SECRET,
        id: ID,
        timestamp: T,
        rawBody: new TextEncoder().encode(text),
      }),
    ).toBe(fromText);
    // Same text, NFD-normalised: different bytes, so a different signature.
    expect(
      signStandardWebhook({ secret: SECRET, id: ID, timestamp: T, rawBody: text.normalize('NFD') }),
    ).not.toBe(fromText);
  });

  it('verifies a binary (non-UTF-8) body byte for byte', () => {
    // The official library turns a Buffer into a string first, so it cannot sign these bytes
    // faithfully; ours must, since the signature is over the bytes on the wire.
    const bytes = Uint8Array.from([0x22, 0xc3, 0x28, 0x22]);
    const signed = signStandardWebhook({ secret: SECRET, id: ID, timestamp: T, rawBody: bytes });
    expect(signed).toBe(`v1,${hmacOfBytes(Buffer.concat([Buffer.from(`${ID}.${T}.`), bytes]))}`);
  });

  it('takes a Date (truncated to whole seconds) or seconds', () => {
    const fromSeconds = signStandardWebhook({
      secret: SECRET,
      id: ID,
      timestamp: T,
      rawBody: BODY,
    });
    expect(
      signStandardWebhook({
        secret: SECRET,
        id: ID,
        timestamp: new Date(T * 1000 + 999),
        rawBody: BODY,
      }),
    ).toBe(fromSeconds);
    expect(fromSeconds).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
  });

  it('refuses ids the spec forbids and timestamps that are not whole seconds', () => {
    for (const id of ['', 'msg.1', 'msg 1', 'msg\n1', 'msg_é']) {
      expect(() =>
        signStandardWebhook({ secret: SECRET, id, timestamp: T, rawBody: BODY }),
      ).toThrow(TypeError);
    }
    for (const timestamp of [1.5, -1, Number.NaN, new Date(Number.NaN)]) {
      expect(() =>
        signStandardWebhook({ secret: SECRET, id: ID, timestamp, rawBody: BODY }),
      ).toThrow(TypeError);
    }
    expectCode(
      () => signStandardWebhook({ secret: 'nope!', id: ID, timestamp: T, rawBody: BODY }),
      'WEBHOOK_SECRET_INVALID',
    );
  });
});

/** Independent HMAC under SECRET (no code under test), for hand-built cases. */
function hmacOfBytes(content: Uint8Array): string {
  return createHmac('sha256', Buffer.from(SECRET.slice('whsec_'.length), 'base64'))
    .update(content)
    .digest('base64');
}
function hmacOf(content: string): string {
  return hmacOfBytes(Buffer.from(content));
}

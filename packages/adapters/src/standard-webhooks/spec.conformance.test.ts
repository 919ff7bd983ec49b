import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSpecFile, specDir } from '../../../../conformance.shared.js';
import {
  STANDARD_WEBHOOK_HEADERS,
  verifyStandardWebhook,
  WebhookVerificationError,
} from './index.js';
import { parseSignatureHeader, signedContent } from './signature.js';

// Conformance (`pnpm test:conformance`): checks our constants and signed-content format
// against the shared spec text itself, so a typo in a header name or delimiter cannot hide
// behind tests written from the same belief. The spec lives outside the repo (read in place,
// never copied in); if it is missing these tests FAIL, naming the path. `npm test` covers the
// same ground self-contained, with the official `standardwebhooks` package as the oracle
// (verify.test.ts, signature.test.ts).

const SPEC_FILE = 'providers/standard-webhooks/standard-webhooks.md';
const specPath = join(specDir, SPEC_FILE);

function readSpec(): string {
  return readSpecFile(SPEC_FILE);
}

/** Bodies of the spec's fenced code blocks, in order. */
function codeBlocks(spec: string): string[] {
  return [...spec.matchAll(/```[^\n]*\n([\s\S]*?)\n```/g)].map((match) => match[1] ?? '');
}

/** The "Example headers" block, as `{ 'webhook-id': ..., ... }`. */
function exampleHeaders(spec: string): Record<string, string> {
  const block = codeBlocks(spec).find((body) => body.startsWith('webhook-id:'));
  if (block === undefined) throw new Error('The spec has no "Example headers" block any more.');
  return Object.fromEntries(
    block.split('\n').map((line) => {
      const colon = line.indexOf(':');
      return [line.slice(0, colon).trim(), line.slice(colon + 1).trim()];
    }),
  );
}

/** The signed-content examples: blocks shaped `msg_<id>.<timestamp>.<body>`. */
function signedContentExamples(
  spec: string,
): { block: string; id: string; timestamp: string; body: string }[] {
  return codeBlocks(spec).flatMap((block) => {
    const match = /^(msg_[A-Za-z0-9]+)\.([0-9]+)\.([\s\S]+)$/.exec(block);
    return match
      ? [{ block, id: match[1] ?? '', timestamp: match[2] ?? '', body: match[3] ?? '' }]
      : [];
  });
}

describe(`Standard Webhooks spec (${specPath})`, () => {
  it('is present where the repo expects it', () => {
    expect(readSpec()).toContain('Standard Webhooks');
  });

  it('names exactly the headers our code reads', () => {
    const spec = readSpec();
    for (const name of Object.values(STANDARD_WEBHOOK_HEADERS)) {
      // Both in the normative list ("- `webhook-id`: ...") and in the example block.
      expect(spec).toContain(`- \`${name}\`:`);
      expect(Object.keys(exampleHeaders(spec))).toContain(name);
    }
    expect(Object.keys(exampleHeaders(spec)).sort()).toEqual(
      Object.values(STANDARD_WEBHOOK_HEADERS).sort(),
    );
  });

  it('describes the scheme we implement', () => {
    const spec = readSpec();
    expect(spec).toContain('The content to be signed is therefore: `msg_id.timestamp.payload`.');
    expect(spec).toContain('`webhook-timestamp`: integer unix timestamp (seconds since epoch)');
    expect(spec).toContain('The signature header is a space delimited list of signatures');
    expect(spec).toMatch(/Signature scheme\s*\|\s*`HMAC-SHA256`/);
    expect(spec).toMatch(/prefixed with \\?`whsec_\\?`/);
    expect(spec).toMatch(/Signature identifier\s*\|\s*`v1`\s*\|\s*`v1a`/);
  });

  it('worked example: our signed content is byte-identical to each example in the spec', () => {
    const spec = readSpec();
    const examples = signedContentExamples(spec);
    // One pretty-printed and one minified example at the pinned spec version.
    expect(examples.length).toBeGreaterThanOrEqual(2);
    const headers = exampleHeaders(spec);
    for (const { block, id, timestamp, body } of examples) {
      expect(signedContent(id, timestamp, body).toString('utf8')).toBe(block);
      expect(signedContent(id, timestamp, Buffer.from(body)).equals(Buffer.from(block))).toBe(true);
      // The examples describe the same message as the example headers.
      expect(id).toBe(headers['webhook-id']);
      expect(timestamp).toBe(headers['webhook-timestamp']);
      expect(JSON.parse(body)).toBeTypeOf('object');
    }
  });

  it('worked example: the signature header parses to one v1 HMAC-SHA256 and one v1a ed25519 entry', () => {
    const spec = readSpec();
    const entries = parseSignatureHeader(exampleHeaders(spec)['webhook-signature'] ?? '');
    expect(entries.map((entry) => entry.version)).toEqual(['v1', 'v1a']);
    const [v1, v1a] = entries;
    expect(Buffer.from(v1?.signature ?? '', 'base64')).toHaveLength(32); // SHA-256 output
    expect(Buffer.from(v1a?.signature ?? '', 'base64')).toHaveLength(64); // ed25519 signature
    // The prose example of a v1 signature is the same value.
    expect(spec).toContain(`For example: \`v1,${v1?.signature}\`.`);
  });

  it('worked example: verified exactly if the spec publishes its secret, else checked up to the HMAC', () => {
    const spec = readSpec();
    const headers = exampleHeaders(spec);
    const minified = signedContentExamples(spec).find(({ body }) => !body.includes('\n'));
    expect(minified).toBeDefined();
    const rawBody = minified?.body ?? '';
    const now = () => new Date(Number(headers['webhook-timestamp']) * 1000);
    const exampleSecret = /whsec_[A-Za-z0-9+/]{16,}={0,2}/.exec(spec)?.[0];

    if (exampleSecret !== undefined) {
      const result = verifyStandardWebhook({ secret: exampleSecret, headers, rawBody, now });
      expect(result.id).toBe(headers['webhook-id']);
      return;
    }
    // The pinned spec (blob a663090f) shows an id, timestamp, signed content and signature but
    // no secret, so the HMAC cannot be reproduced. Still run the example through the full
    // verifier: it must get past header reading and version parsing and fail only on the HMAC,
    // with the v1a entry seen and skipped rather than crashing the parse.
    try {
      verifyStandardWebhook({
        secret: `whsec_${randomBytes(24).toString('base64')}`,
        headers,
        rawBody,
        now,
      });
      expect.unreachable('a random secret must not verify the spec example');
    } catch (error) {
      expect(error).toBeInstanceOf(WebhookVerificationError);
      expect((error as WebhookVerificationError).code).toBe('WEBHOOK_SIGNATURE_INVALID');
      expect((error as WebhookVerificationError).details).toEqual({ versions: ['v1', 'v1a'] });
    }
  });
});

/**
 * Postmark's webhooks as a GreenTrack `WebhookSource`.
 *
 * Postmark does not sign its webhooks. What it offers is HTTP basic auth credentials written
 * into the webhook URL (`https://user:pass@host/…`, sent as an `Authorization: Basic` header)
 * and a published list of the addresses it posts from. The integration account holds
 * `webhookUsername` + `webhookPassword` (required) and, optionally, `webhookAllowedIps`
 * (comma-separated addresses or CIDR ranges) checked against the client's address.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { BlockList, isIP } from 'node:net';
import type {
  InboundWebhookRequest,
  VerifiedWebhook,
  WebhookCredentials,
  WebhookSource,
} from '@greentrack/core';
import { refuse } from '../internal/webhook-refusal.js';
import { postmarkEffects } from './webhook-events.js';

/**
 * Equal in constant time whatever the lengths: both sides are hashed first, so neither the
 * length nor any prefix of the expected credentials leaks through the timing.
 */
function sameSecret(given: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** `a.b.c.d`, `a.b.c.d/nn`, IPv6 likewise → a list to check addresses against. */
function allowList(entries: string): BlockList {
  const list = new BlockList();
  for (const entry of entries
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)) {
    const [address = '', prefix] = entry.split('/');
    const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (isIP(address) === 0)
      refuse('bad_credentials', `webhookAllowedIps: ${entry} is not an address`);
    if (prefix === undefined) list.addAddress(address, family);
    else list.addSubnet(address, Number(prefix), family);
  }
  return list;
}

function checkAddress(remoteAddress: string | undefined, allowed: string): void {
  // An IPv4 client on a dual-stack socket shows as `::ffff:a.b.c.d`.
  const address = remoteAddress?.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');
  const family = address ? isIP(address) : 0;
  if (
    !address ||
    family === 0 ||
    !allowList(allowed).check(address, family === 6 ? 'ipv6' : 'ipv4')
  )
    refuse('ip_not_allowed', 'the request does not come from an allowed address');
}

function checkCredentials(header: string | undefined, username: string, password: string): void {
  const match = header?.match(/^Basic\s+([A-Za-z0-9+/=]+)\s*$/i);
  if (!match?.[1]) refuse('missing_header', 'basic auth credentials are required');
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  // Both compared whatever the first gives: the time does not say which one was wrong.
  const colon = decoded.indexOf(':');
  const user = colon < 0 ? decoded : decoded.slice(0, colon);
  const pass = colon < 0 ? '' : decoded.slice(colon + 1);
  const userOk = sameSecret(user, username);
  const passOk = sameSecret(pass, password);
  if (!(userOk && passOk)) refuse('bad_credentials', 'wrong webhook credentials');
}

/**
 * The webhook source for Postmark (`POST {base}/webhooks/postmark/{accountId}`). In Postmark,
 * set the webhook URL with the account's credentials in it
 * (`https://<webhookUsername>:<webhookPassword>@app.example.com/api/greentrack/webhooks/postmark/<id>`)
 * and tick Delivery, Bounce, Spam Complaint, Open, Click and Subscription Change.
 *
 * @example
 * import { postmarkWebhooks } from '@greentrack/adapters/postmark';
 * const gt = await createGreenTrack({ providers: { webhooks: [postmarkWebhooks()] } });
 */
export function postmarkWebhooks(): WebhookSource {
  return {
    provider: 'postmark',
    secretHeaders: ['authorization'],
    verify(request: InboundWebhookRequest, credentials: WebhookCredentials): VerifiedWebhook {
      const { webhookUsername, webhookPassword, webhookAllowedIps } = credentials;
      if (!webhookUsername || !webhookPassword)
        refuse('missing_secret', 'the account has no webhookUsername / webhookPassword');
      if (webhookAllowedIps) checkAddress(request.remoteAddress, webhookAllowedIps);
      checkCredentials(request.headers.authorization, webhookUsername, webhookPassword);
      let payload: unknown;
      try {
        payload = JSON.parse(Buffer.from(request.rawBody).toString('utf8'));
      } catch {
        refuse('malformed', 'the body is not JSON');
      }
      if (payload === null || typeof payload !== 'object' || Array.isArray(payload))
        refuse('malformed', 'the body is not a Postmark webhook record');
      const recordType = (payload as { RecordType?: unknown }).RecordType;
      return {
        eventType: typeof recordType === 'string' ? recordType : null,
        payload,
        eventCount: 1,
      };
    },
    interpret: (webhook) => postmarkEffects(webhook.payload),
  };
}

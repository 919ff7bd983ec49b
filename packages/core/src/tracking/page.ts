/**
 * The preferences page behind every unsubscribe link: plain HTML, no script, no outside
 * resources. A GET only shows the status; its form POSTs the RFC 8058 one-click body, so
 * link scanners and prefetchers that follow links never unsubscribe anyone.
 */
import type { Preferences } from './service.js';

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

const CHANNEL_WORDS = { email: 'emails', sms: 'text messages' } as const;

/** Headers of the page: never cached, never framed, never indexed, no script. */
export const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
  'x-robots-tag': 'noindex',
} as const;

/** The page for `preferences`; `done` after a POST. */
export function preferencesPage(preferences: Preferences, done = false): string {
  const organization = escapeHtml(preferences.organizationName);
  const what = `${CHANNEL_WORDS[preferences.channel]} from ${organization}`;
  const body = preferences.unsubscribed
    ? `<h1>You are unsubscribed</h1><p>${done ? 'Done: you' : 'You'} will not receive marketing ${what}.</p>`
    : `<h1>Unsubscribe</h1><p>You receive marketing ${what}.</p>
<form method="post"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">Unsubscribe from ${what}</button></form>`;
  return page(`Email preferences — ${organization}`, body);
}

/**
 * The page a person sees instead of the JSON error when a link of theirs fails (expired,
 * mistyped): what happened and what to do, no internals.
 */
export function errorPage(expired: boolean): string {
  return expired
    ? page(
        'This link has expired',
        '<h1>This link has expired</h1><p>Links in messages work for a limited time. To unsubscribe, use the link in a more recent message, or reply to the sender.</p>',
      )
    : page(
        'This link is not valid',
        '<h1>This link is not valid</h1><p>It may have been cut or changed on its way. Try the link in the message again, or reply to the sender.</p>',
      );
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#1a1a1a}button{font:inherit;padding:.5rem 1rem;cursor:pointer}</style>
</head><body>${body}</body></html>`;
}

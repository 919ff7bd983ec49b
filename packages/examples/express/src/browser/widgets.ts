/// <reference lib="dom" />
/**
 * The demo page's script, bundled for the browser by `widgets-bundle.ts` (never run by
 * Node): registers every `gt-*` element, and renews the widget token when one is refused.
 *
 * The page arrives with a short-lived token minted on the server. When a widget's call is
 * refused (`gt-token-expired`, bubbling up to the provider), this asks the host for a fresh
 * one (`POST /demo/token`) and sets it on the provider: the waiting widgets retry once.
 */
import '@greentrack/widgets';

const provider = document.querySelector('gt-provider');
provider?.addEventListener('gt-token-expired', async () => {
  const res = await fetch('/demo/token', { method: 'POST' });
  if (!res.ok) return; // the widget's call then ends in `gt-error`
  const { token } = (await res.json()) as { token: string };
  provider.token = token;
});

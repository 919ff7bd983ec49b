'use client';
/**
 * The segment builder and the customer list, as a client component: the custom elements are
 * defined in the browser only (`import('@greentrack/widgets')` in an effect, never during
 * server rendering), with a widget token minted by the server (`POST /api/demo/token`) and
 * renewed when a widget reports `gt-token-expired`.
 */
import {
  type DetailedHTMLProps,
  type HTMLAttributes,
  useCallback,
  useEffect,
  useState,
} from 'react';

type ElementProps = DetailedHTMLProps<HTMLAttributes<HTMLElement>, HTMLElement>;

declare module 'react' {
  namespace JSX {
    interface IntrinsicElements {
      'gt-provider': ElementProps & { 'api-base'?: string; token?: string };
      'gt-segment-builder': ElementProps;
      'gt-customer-list': ElementProps & { 'page-size'?: number };
    }
  }
}

/** A fresh widget token from the host's server (demo endpoint; a real host uses its session). */
async function fetchToken(): Promise<string> {
  const res = await fetch('/api/demo/token', { method: 'POST' });
  if (!res.ok) throw new Error(`token endpoint answered ${res.status}`);
  return ((await res.json()) as { token: string }).token;
}

export function DemoWidgets() {
  const [token, setToken] = useState<string>();
  const [failure, setFailure] = useState<string>();
  const renew = useCallback(() => {
    fetchToken()
      .then(setToken)
      .catch((error: unknown) => setFailure(String(error)));
  }, []);

  useEffect(() => {
    void import('@greentrack/widgets');
    renew();
  }, [renew]);

  // A ref callback with a cleanup (React 19): the listener lives as long as the element.
  const listen = useCallback(
    (element: HTMLElement | null) => {
      element?.addEventListener('gt-token-expired', renew);
      return () => element?.removeEventListener('gt-token-expired', renew);
    },
    [renew],
  );

  if (failure) return <p role="alert">Could not get a widget token: {failure}</p>;
  if (!token) return <p>Loading the widgets…</p>;
  return (
    <gt-provider ref={listen} api-base="/api/greentrack" token={token}>
      <div
        style={{
          display: 'grid',
          gridTemplateColumns: 'repeat(auto-fit, minmax(22rem, 1fr))',
          gap: '2rem',
        }}
      >
        <section>
          <h2>Segment builder</h2>
          <gt-segment-builder />
        </section>
        <section>
          <h2>Customers</h2>
          <gt-customer-list page-size={20} />
        </section>
      </div>
    </gt-provider>
  );
}

import { DemoWidgets } from './demo-widgets';

/**
 * A static page (no database access, so `next build` prerenders it without opening one); the
 * widgets load in the browser through a client component.
 */
export default function HomePage() {
  return (
    <main>
      <h1>GreenTrack Next.js example</h1>
      <p>
        This App Router app hosts the GreenTrack API in one route handler,{' '}
        <code>app/api/greentrack/[...path]/route.ts</code>, under <code>/api/greentrack</code>.
      </p>
      <DemoWidgets />
      <h2>API</h2>
      <ul>
        <li>
          <a href="/api/greentrack/health">/api/greentrack/health</a> (liveness, no authentication)
        </li>
        <li>
          <a href="/api/greentrack/openapi.json">/api/greentrack/openapi.json</a> (OpenAPI 3.1
          document)
        </li>
      </ul>
      <p>
        Every other API route needs a widget token: <code>POST /api/demo/token</code> mints one for
        the demo owner (demo only), then send it as <code>Authorization: Bearer &lt;token&gt;</code>
        .
      </p>
    </main>
  );
}

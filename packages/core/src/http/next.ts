/**
 * Next.js App Router integration: export these from `app/api/greentrack/[...path]/route.ts`.
 *
 * Pass a factory rather than an instance or a promise made at import time: `next build`
 * imports every route module, and creating GreenTrack there would open (and migrate) the
 * database during the build. The factory runs on the first request; its result is reused.
 *
 * @example
 * export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = toNextHandler(() => getGreenTrack());
 */
import type { HasHandler } from './node.js';

type RouteHandler = (request: Request) => Promise<Response>;

/** An instance, a promise of one, or a factory called on the first request. */
export type HandlerSource =
  | HasHandler
  | Promise<HasHandler>
  | (() => HasHandler | Promise<HasHandler>);

/** One handler per HTTP method, all delegating to `gt.handler`. */
export function toNextHandler(
  source: HandlerSource,
): Record<'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS', RouteHandler> {
  let target: Promise<HasHandler> | undefined;
  const resolve = (): Promise<HasHandler> => {
    if (!target) {
      target = Promise.resolve(typeof source === 'function' ? source() : source);
      // A failed start (database down) is retried on the next request, not cached forever.
      target.catch(() => {
        target = undefined;
      });
    }
    return target;
  };
  const handle: RouteHandler = async (request) => (await resolve()).handler(request);
  return { GET: handle, POST: handle, PUT: handle, PATCH: handle, DELETE: handle, OPTIONS: handle };
}

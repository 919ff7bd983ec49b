/**
 * Node host integration: `toNodeHandler(gt)` is a `(req, res, next?)` listener that works
 * with `http.createServer` and as Express 5 middleware.
 *
 * @example
 * app.use('/api/greentrack', toNodeHandler(gt)); // before any body parser
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import { rememberRemoteAddress } from './remote-address.js';

/** Anything with a Web-standard `handler`, e.g. a GreenTrack instance. */
export interface HasHandler {
  handler(request: Request): Promise<Response>;
}

type NodeRequest = IncomingMessage & { originalUrl?: string; rawBody?: unknown };

/**
 * Adapts `gt.handler` to Node's request listener.
 *
 * Express strips the mount path from `req.url`; the full `originalUrl` is restored so the
 * API's own base path matches. If a body parser already consumed the stream, keep its raw
 * bytes as `req.rawBody` (`express.json({ verify: (req, _res, buf) => { req.rawBody = buf } })`):
 * the listener then uses those exact bytes, which webhook signatures need.
 */
export function toNodeHandler(target: HasHandler) {
  const listener = getRequestListener((request, env) => {
    // For routes that check where a request came from (a webhook provider's IP allowlist).
    rememberRemoteAddress(request, env.incoming.socket.remoteAddress);
    return target.handler(request);
  });
  return (req: NodeRequest, res: ServerResponse, _next?: (error?: unknown) => void): void => {
    if (typeof req.originalUrl === 'string') req.url = req.originalUrl;
    void listener(req, res);
  };
}

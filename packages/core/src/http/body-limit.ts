/**
 * Request-body limits. Every route's body is capped by `http.maxBodyBytes` (buffered JSON),
 * except a route that declares it reads its own body as a stream with a cap of its own —
 * by listing `streamsOwnBody` among its `middleware`. The decision is on the route, so the
 * app never compares paths.
 *
 * @example
 * createRoute({ method: 'post', path: '/customers/import', middleware: [streamsOwnBody], … })
 */
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { matchedRoutes } from 'hono/route';
import { GreenTrackError } from '../errors.js';
import { HttpErrorCode } from './error-codes.js';

const STREAMS_OWN_BODY = Symbol('greentrack.streamsOwnBody');

/** Route middleware marking a route that caps and streams its own body. Does nothing else. */
export const streamsOwnBody: MiddlewareHandler = Object.assign(
  (async (_c, next) => next()) as MiddlewareHandler,
  { [STREAMS_OWN_BODY]: true },
);

/** The global limit: `maxBytes` for every route but those marked `streamsOwnBody`. */
export function limitBodies(maxBytes: number): MiddlewareHandler {
  const limit = bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new GreenTrackError({
        code: HttpErrorCode.PAYLOAD_TOO_LARGE,
        message: 'Request body too large',
      });
    },
  });
  return (c, next) => {
    // Hono has already matched every handler of this request (route middleware included).
    const ownLimit = matchedRoutes(c).some(
      (route) => (route.handler as unknown as Record<symbol, unknown>)[STREAMS_OWN_BODY] === true,
    );
    return ownLimit ? next() : limit(c, next);
  };
}

/**
 * Answers `Connection: close` when a request came with a body the app never read (refused
 * for its size, or before authentication). The unread bytes are still on the connection, so
 * Node closes it after answering; saying so keeps a keep-alive client from sending its next
 * request into a closing socket ("socket hang up").
 */
export const closeWhenBodyUnread: MiddlewareHandler = async (c, next) => {
  await next();
  const request = c.req.raw;
  if (request.body !== null && !request.bodyUsed) c.res.headers.set('connection', 'close');
};

/**
 * The client address of a request, as the Node host saw it. A Web `Request` has no such
 * field, so `toNodeHandler` remembers the socket's address beside the request object; a
 * header would not do, since a client could send one. Routes that need it (Postmark's IP
 * allowlist) ask here; a host that builds its own `Request` has none to give.
 */
const addresses = new WeakMap<Request, string>();

/** Records the address the request came from (the Node socket's). */
export function rememberRemoteAddress(request: Request, address: string | undefined): void {
  if (address) addresses.set(request, address);
}

/** The address the request came from, when the host told us. */
export function remoteAddressOf(request: Request): string | undefined {
  return addresses.get(request);
}

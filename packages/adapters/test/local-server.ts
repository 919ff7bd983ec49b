/**
 * A local HTTP server that stands in for a provider's API in tests. The real SDK is pointed
 * at it through its host/baseURL option; the server records every request byte for byte (so
 * a test can assert the wire format the SDK produced) and answers with what the test's
 * handler returns — status, headers and body as the provider's API reference documents them.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as it reached the server. */
export interface RecordedRequest {
  method: string;
  /** Path and query string, as sent (`/v3/mail/send`, `/2010-04-01/Accounts/AC…/Messages.json`). */
  url: string;
  headers: IncomingHttpHeaders;
  /** The raw body. */
  body: Buffer;
  /** The body parsed as JSON (`undefined` unless the content type says JSON). */
  json: unknown;
  /** The body parsed as a form (`undefined` unless the content type says form-encoded). */
  form: URLSearchParams | undefined;
}

/** What the handler answers. A string or object body is sent as is / as JSON. */
export interface LocalResponse {
  status: number;
  headers?: Record<string, string>;
  body?: string | object;
}

export type LocalHandler = (request: RecordedRequest) => LocalResponse | Promise<LocalResponse>;

export interface LocalServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** Every request received, in order. */
  requests: RecordedRequest[];
  /** Replaces the handler (e.g. to make the next answers fail). */
  handle(handler: LocalHandler): void;
  close(): Promise<void>;
}

function parseBody(
  headers: IncomingHttpHeaders,
  body: Buffer,
): Pick<RecordedRequest, 'json' | 'form'> {
  const type = headers['content-type'] ?? '';
  if (type.includes('application/json') && body.length > 0) {
    return { json: JSON.parse(body.toString('utf8')), form: undefined };
  }
  if (type.includes('application/x-www-form-urlencoded')) {
    return { json: undefined, form: new URLSearchParams(body.toString('utf8')) };
  }
  return { json: undefined, form: undefined };
}

/** Starts a server on a free port of 127.0.0.1. Close it in `afterAll`. */
export async function startLocalServer(handler: LocalHandler): Promise<LocalServer> {
  let current = handler;
  const requests: RecordedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const request: RecordedRequest = {
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        headers: req.headers,
        body,
        ...parseBody(req.headers, body),
      };
      requests.push(request);
      Promise.resolve()
        .then(() => current(request))
        .then(
          (answer) => {
            const isText = typeof answer.body === 'string' || answer.body === undefined;
            const payload = isText
              ? ((answer.body as string | undefined) ?? '')
              : JSON.stringify(answer.body);
            const headers = isText
              ? { ...answer.headers }
              : { 'content-type': 'application/json', ...answer.headers };
            res.writeHead(answer.status, headers).end(payload);
          },
          (error: unknown) => {
            res.writeHead(500, { 'content-type': 'text/plain' }).end(String(error));
          },
        );
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    handle: (next) => {
      current = next;
    },
    close: () =>
      new Promise<void>((done) => {
        server.close(() => done());
        // SDK clients keep connections alive; without this `close` waits for them to time out.
        server.closeAllConnections();
      }),
  };
}

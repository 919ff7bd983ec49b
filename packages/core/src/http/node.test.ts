/**
 * `toNodeHandler` on a real `node:http` server, over one keep-alive connection.
 *
 * Regression: a body refused for its size (413) is not read, so the server closed the
 * connection after answering — without saying so — and the client's next request on that
 * kept-alive connection failed with "other side closed". A refusal that leaves the body
 * unread must answer `Connection: close`, so clients open a fresh connection.
 */
import { Agent, createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGreenTrack, databaseKind, makeOrganization } from '../../test/harness.js';
import type { GreenTrack } from '../greentrack.js';
import { toNodeHandler } from './node.js';

const SECRET = 'node-handler-secret-long-enough-0123456789';

describe(`toNodeHandler over keep-alive [${databaseKind}]`, () => {
  let gt: GreenTrack;
  let cleanup: () => Promise<void>;
  let port: number;
  let token: string;
  const server = createServer();
  beforeAll(async () => {
    ({ gt, cleanup } = await createTestGreenTrack({
      secret: SECRET,
      http: { maxBodyBytes: 64 * 1024 },
    }));
    const { organization, owner } = await makeOrganization(gt, 'Keep-alive');
    token = gt.tokens.issue({ userId: owner.id, organizationId: organization.id });
    server.on('request', toNodeHandler(gt));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await cleanup();
  });

  /** One POST on `agent`; resolves with the status and the response headers. */
  function post(agent: Agent, body: string) {
    return new Promise<{ status: number; connection: string | undefined; text: string }>(
      (resolve, reject) => {
        const req = httpRequest(
          {
            host: '127.0.0.1',
            port,
            method: 'POST',
            path: '/api/greentrack/customers',
            agent,
            headers: {
              authorization: `Bearer ${token}`,
              'content-type': 'application/json',
              'content-length': Buffer.byteLength(body),
            },
          },
          (res) => {
            let text = '';
            res.setEncoding('utf8');
            res.on('data', (chunk: string) => {
              text += chunk;
            });
            res.on('end', () =>
              resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, text }),
            );
          },
        );
        req.on('error', reject);
        req.end(body);
      },
    );
  }

  it('answers an oversized body 413 with Connection: close, and the next request succeeds', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const big = JSON.stringify({ type: 'lead', name: 'x'.repeat(1024 * 1024) });
      const refused = await post(agent, big);
      expect(refused.status).toBe(413);
      expect(JSON.parse(refused.text)).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE' } });
      expect(refused.connection).toBe('close');
      const next = await post(agent, JSON.stringify({ type: 'lead', name: 'After' }));
      expect(next.status).toBe(201);
    } finally {
      agent.destroy();
    }
  });
});

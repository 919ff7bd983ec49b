/**
 * The client's types are generated from the routes: the committed `api-types.ts` must be
 * exactly what the current route schemas generate. A route or schema changed without
 * `pnpm --filter @greentrack/core generate:client` fails here.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_TYPES_PATH, clientTypesSource } from '../../scripts/client-types.js';
import { createTestGreenTrack, databaseKind } from '../../test/harness.js';
import type { GreenTrack } from '../greentrack.js';

describe(`generated client types [${databaseKind}]`, () => {
  let gt: GreenTrack;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ gt, cleanup } = await createTestGreenTrack({ http: { basePath: '/' } }));
  });
  afterAll(async () => cleanup());

  it('match what the current routes generate', async () => {
    const document = await (await gt.handler(new Request('http://localhost/openapi.json'))).json();
    const committed = await readFile(CLIENT_TYPES_PATH, 'utf8');
    expect(
      committed === (await clientTypesSource(document)),
      'run: pnpm --filter @greentrack/core generate:client',
    ).toBe(true);
  });
});

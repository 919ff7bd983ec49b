import { describe, expect, it } from 'vitest';
import { httpStatusFor } from './error-status.js';
import { GreenTrackError } from './errors.js';
import { createGreenTrack } from './greentrack.js';

async function configError(config: unknown): Promise<GreenTrackError> {
  try {
    await createGreenTrack(config as never);
  } catch (error) {
    if (error instanceof GreenTrackError) return error;
    throw error;
  }
  throw new Error('expected createGreenTrack to reject');
}

describe('config validation', () => {
  it('names the bad field', async () => {
    const error = await configError({ database: { url: 'mysql://nope' } });
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toContain('database.url');
    expect(error.details?.issues).toEqual([
      { path: 'database.url', message: 'must be a postgres:// or postgresql:// URL' },
    ]);
  });

  it('rejects unknown keys, short secrets and conflicting database choices', async () => {
    expect((await configError({ databse: {} })).message).toMatch(/databse|Unrecognized/);
    expect((await configError({ secret: 'short' })).details?.issues).toEqual([
      expect.objectContaining({ path: 'secret' }),
    ]);
    expect((await configError({ embeddingDimensions: 0 })).details?.issues).toEqual([
      expect.objectContaining({ path: 'embeddingDimensions' }),
    ]);
    const both = await configError({
      database: { url: 'postgres://x/y', pglite: { query: () => {} } },
    });
    expect(both.message).toContain('at most one of url, pool, pglite');
  });

  // parseInput's refusal of NUL / lone surrogates keeps the caller's error code.
  it('reports a NUL in a config string as CONFIG_INVALID, like any bad field', async () => {
    const error = await configError({ secret: `${'s'.repeat(40)}\u0000` });
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.details?.issues).toEqual([
      { path: 'secret', message: 'must not contain NUL characters' },
    ]);
  });

  it('reports an unreachable Postgres as DATABASE_UNAVAILABLE', async () => {
    // Port 1 on loopback: nothing listens, the connection is refused at once.
    const error = await configError({ database: { url: 'postgres://u:p@127.0.0.1:1/db' } });
    expect(error.code).toBe('DATABASE_UNAVAILABLE');
  });
});

describe('error status table', () => {
  it('maps codes to HTTP statuses (completeness: modules.test.ts)', () => {
    expect(httpStatusFor('NOT_A_MEMBER')).toBe(403);
    expect(httpStatusFor('VALIDATION_FAILED')).toBe(400);
    expect(httpStatusFor('SOMETHING_NEW')).toBe(500);
  });

  it('serializes without cause or stack', () => {
    const error = new GreenTrackError({
      code: 'NOT_FOUND',
      message: 'nope',
      cause: new Error('SELECT secret'),
    });
    expect(JSON.stringify(error)).toBe('{"code":"NOT_FOUND","message":"nope"}');
  });
});

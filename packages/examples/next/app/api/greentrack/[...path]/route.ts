/**
 * The GreenTrack HTTP API under /api/greentrack/*. Route handlers get the raw request, so
 * webhook signatures see the exact bytes.
 *
 * The factory opens the database on the first request; `toNextHandler(getGreenTrack())`
 * would also work at run time, but would open it while `next build` collects page data.
 */
import { toNextHandler } from '@greentrack/core';
import { getGreenTrack } from '../../../../lib/greentrack';

// PGlite and pg need Node APIs (not the edge runtime), and nothing here may be prerendered.
export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = toNextHandler(() => getGreenTrack());

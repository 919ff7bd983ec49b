/**
 * DEMO ONLY: anyone who can reach this endpoint gets an owner token for the demo
 * organization. A real host mints tokens inside its own authenticated session, for the
 * signed-in user: `gt.tokens.issue({ userId: session.userId, organizationId, ... })`.
 */
import { getDemoData, getGreenTrack } from '../../../../lib/greentrack';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

const TTL_SECONDS = 900;

export async function POST(): Promise<Response> {
  const gt = await getGreenTrack();
  const { owner, organization } = await getDemoData();
  const token = gt.tokens.issue({
    userId: owner.id,
    organizationId: organization.id,
    ttlSeconds: TTL_SECONDS,
  });
  return Response.json({
    token,
    userId: owner.id,
    organizationId: organization.id,
    expiresAt: new Date(Date.now() + TTL_SECONDS * 1000).toISOString(),
  });
}

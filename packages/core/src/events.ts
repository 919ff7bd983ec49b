/**
 * Typed domain events. Listeners receive a payload object; events from a transaction are
 * delivered only after it commits, so a listener never sees a change that was rolled back.
 *
 * @example
 * gt.on('membership.created', ({ organizationId, userId, role }) => { ... });
 */
import type { Role } from './db/types.js';

/** Who caused a change. */
export interface ActorRef {
  type: 'user' | 'system' | 'webhook';
  id: string | null;
}

/** Every event GreenTrack emits, by name, with its payload. */
export interface GreenTrackEventMap {
  'user.created': { userId: string; email: string };
  'organization.created': { organizationId: string; name: string; ownerUserId: string };
  'organization.updated': { organizationId: string; name: string; actor: ActorRef };
  'membership.created': {
    organizationId: string;
    membershipId: string;
    userId: string;
    role: Role;
    actor: ActorRef;
  };
  'membership.updated': {
    organizationId: string;
    membershipId: string;
    userId: string;
    role: Role;
    previousRole: Role;
    actor: ActorRef;
  };
  'customer.created': { organizationId: string; customerId: string; actor: ActorRef };
  'customer.updated': { organizationId: string; customerId: string; actor: ActorRef };
  'customer.deleted': { organizationId: string; customerId: string; actor: ActorRef };
  'membership.deleted': {
    organizationId: string;
    membershipId: string;
    userId: string;
    actor: ActorRef;
  };
}

export type GreenTrackEventName = keyof GreenTrackEventMap;

/** The listener signatures, in the shape eventemitter3 expects. */
export type GreenTrackListeners = {
  [K in GreenTrackEventName]: (payload: GreenTrackEventMap[K]) => void;
};

/** Emits one event; inside a transaction the scope's `emit` queues until commit. */
export type Emit = <K extends GreenTrackEventName>(name: K, payload: GreenTrackEventMap[K]) => void;

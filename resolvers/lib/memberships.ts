/** Stored membership items, their GraphQL shape, and role order. */
import { util } from '@aws-appsync/utils';
import { memberIndexKeys } from './keys';

/** A membership item as stored. `readUpTo` is the ULID position unread counting starts after. */
export interface StoredMembership {
  roomId: string;
  userId: string;
  role: string;
  status: string;
  change: string;
  muted?: boolean;
  joinedAt?: string | null;
  invitedBy?: string | null;
  changedBy: string;
  changedAt: string;
  peerId?: string | null;
  readUpTo?: string;
  lastReadMessageId?: string | null;
  lastReadAt?: string | null;
}

const ROLE_RANKS: Record<string, number> = { OWNER: 3, ADMIN: 2, MEMBER: 1 };

/** OWNER > ADMIN > MEMBER; no membership ranks as MEMBER. */
export function roleRank(role: string | null | undefined): number {
  return ROLE_RANKS[role ?? 'MEMBER'] ?? 1;
}

/** The GraphQL `Membership` of a stored item (stored items always carry the bookkeeping unread counting needs). */
export function toMembership(item: StoredMembership) {
  return { ...item, muted: item.muted === true };
}

/**
 * The attributes of a new membership (its table key is `memberKey`), with its `byUser` keys. Unread counting starts
 * now: a fresh ULID sorts after every message already in the room.
 */
export function newMembershipItem(
  roomId: string,
  userId: string,
  fields: { role: string; status: string; change: string; changedBy: string; invitedBy?: string; peerId?: string },
) {
  const now = util.time.nowISO8601();
  return {
    ...memberIndexKeys(roomId, userId),
    type: 'Membership',
    roomId,
    userId,
    muted: false,
    joinedAt: fields.status === 'JOINED' ? now : null,
    changedAt: now,
    readUpTo: util.autoUlid(),
    ...fields,
  };
}

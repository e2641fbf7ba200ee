/** Stored membership items, their GraphQL shape, and role order. */
import { util } from '@aws-appsync/utils';
import type { MemberRole, Membership, MembershipChange, MembershipStatus } from '../generated/types.js';
import { memberIndexKeys } from './keys';

/** A membership item as stored. `readUpTo` is the ULID position unread counting starts after. */
export interface StoredMembership {
  roomId: string;
  userId: string;
  role: MemberRole;
  status: MembershipStatus;
  change: MembershipChange;
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

/**
 * A membership as resolvers return it: the GraphQL fields but the two that field resolvers add (`unreadCount`
 * counts from `readUpTo`, `room` reads `roomId`), plus `readUpTo` for the first of them.
 */
export type MembershipSource = Omit<Membership, 'unreadCount' | 'room'> & { readUpTo: string | null };

const ROLE_RANKS: Record<MemberRole, number> = { OWNER: 3, ADMIN: 2, MEMBER: 1 };

/** OWNER > ADMIN > MEMBER; no membership ranks as MEMBER. */
export function roleRank(role: MemberRole | null | undefined): number {
  return ROLE_RANKS[role ?? 'MEMBER'] ?? 1;
}

/** The GraphQL `Membership` of a stored item (stored items always carry the bookkeeping unread counting needs). */
export function toMembership(item: StoredMembership): MembershipSource {
  return {
    roomId: item.roomId,
    userId: item.userId,
    role: item.role,
    status: item.status,
    change: item.change,
    muted: item.muted === true,
    joinedAt: item.joinedAt ?? null,
    invitedBy: item.invitedBy ?? null,
    changedBy: item.changedBy,
    changedAt: item.changedAt,
    peerId: item.peerId ?? null,
    lastReadMessageId: item.lastReadMessageId ?? null,
    lastReadAt: item.lastReadAt ?? null,
    readUpTo: item.readUpTo ?? null,
  };
}

/**
 * The attributes of a new membership (its table key is `memberKey`), with its `byUser` keys. Unread counting starts
 * now: a fresh ULID sorts after every message already in the room.
 */
export function newMembershipItem(
  roomId: string,
  userId: string,
  fields: {
    role: MemberRole;
    status: MembershipStatus;
    change: MembershipChange;
    changedBy: string;
    invitedBy?: string;
    peerId?: string;
  },
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

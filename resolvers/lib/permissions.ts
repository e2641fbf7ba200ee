/**
 * Who may do what in a room: one rule per operation, checked by the `loadRoomContext` function against the room,
 * the caller's membership, and (when the operation names them) the target member and the target message, all read
 * in one consistent batch. The table is the permission model; docs/data-model.md lists it in prose.
 */
import { util } from '@aws-appsync/utils';
import type { StoredMembership } from './memberships';
import { roleRank } from './memberships';
import type { StoredMessage } from './messages';

export interface RoomRule {
  /**
   * What the caller's membership must be. JOINED: a joined member. READER: anyone for public rooms, else joined
   * or invited. MEMBER_OR_INVITED: joined or invited (leaving, declining). ANY: nothing (the operation decides).
   */
  readonly member: 'JOINED' | 'READER' | 'MEMBER_OR_INVITED' | 'ANY';
  /** The lowest role that may do it. */
  readonly role?: 'ADMIN' | 'OWNER';
  /** Refused to muted members. */
  readonly unmuted?: boolean;
  /** Refused in archived rooms. */
  readonly writable?: boolean;
  /** Not in direct rooms, which have two equal members and no moderation. */
  readonly notDirect?: boolean;
  /** The target message must exist in the room (EXISTS) and not be deleted (LIVE). Checked when one is named. */
  readonly message?: 'EXISTS' | 'LIVE';
  /** Who may act on the target message besides its author. */
  readonly author?: 'ONLY' | 'OR_ADMIN';
  /** The statuses the target member (`userId`) may have; NONE is "no membership". */
  readonly target?: readonly string[];
  /** The caller must rank above the target member. */
  readonly outranks?: boolean;
  /** The target may not be the caller. */
  readonly notSelf?: boolean;
  /** A missing room is a null result, not an error. */
  readonly roomOptional?: boolean;
}

const MEMBER_READ: RoomRule = { member: 'JOINED' };
const MESSAGE_READ: RoomRule = { member: 'JOINED', message: 'EXISTS' };
const MODERATE: RoomRule = {
  member: 'JOINED',
  role: 'ADMIN',
  writable: true,
  notDirect: true,
  target: ['JOINED'],
  outranks: true,
  notSelf: true,
};

/** Rules by GraphQL field name. */
export const ROOM_RULES: Record<string, RoomRule> = {
  room: { member: 'READER', roomOptional: true },
  members: MEMBER_READ,
  messages: MEMBER_READ,
  messagesSince: MEMBER_READ,
  message: MESSAGE_READ,
  thread: MESSAGE_READ,
  messageReactions: MESSAGE_READ,

  updateRoom: { member: 'JOINED', role: 'ADMIN', writable: true, notDirect: true },
  archiveRoom: { member: 'JOINED', role: 'OWNER', notDirect: true },
  unarchiveRoom: { member: 'JOINED', role: 'OWNER', notDirect: true },

  joinRoom: { member: 'ANY', writable: true },
  leaveRoom: { member: 'MEMBER_OR_INVITED' },
  inviteMember: { member: 'JOINED', role: 'ADMIN', writable: true, notDirect: true, target: ['NONE', 'INVITED'] },
  removeMember: { ...MODERATE, target: ['JOINED', 'INVITED'] },
  setMemberRole: { ...MODERATE, role: 'OWNER', outranks: false },
  muteMember: MODERATE,
  unmuteMember: MODERATE,
  banMember: { ...MODERATE, target: ['NONE', 'INVITED', 'JOINED', 'BANNED'] },
  unbanMember: { member: 'JOINED', role: 'ADMIN', writable: true, notDirect: true, target: ['BANNED'] },

  sendMessage: { member: 'JOINED', unmuted: true, writable: true, message: 'LIVE' },
  editMessage: { member: 'JOINED', unmuted: true, writable: true, message: 'LIVE', author: 'ONLY' },
  deleteMessage: { member: 'JOINED', writable: true, message: 'EXISTS', author: 'OR_ADMIN' },
  addReaction: { member: 'JOINED', unmuted: true, writable: true, message: 'LIVE' },
  removeReaction: { member: 'JOINED', writable: true, message: 'LIVE' },
  markRead: { member: 'JOINED', message: 'EXISTS' },
  sendTyping: { member: 'JOINED', unmuted: true, writable: true },

  onMessage: MEMBER_READ,
  onRoomEvent: MEMBER_READ,
  onRoomUpdate: MEMBER_READ,
  onTyping: MEMBER_READ,
};

/** What `loadRoomContext` read. */
export interface RoomContext {
  readonly callerId: string;
  readonly roomId: string;
  readonly room: { id: string; visibility: string; archivedAt?: string | null } | null;
  readonly membership: StoredMembership | null;
  readonly targetUserId: string | null;
  readonly target: StoredMembership | null;
  readonly messageId: string | null;
  readonly message: StoredMessage | null;
}

/** Refuses the operation `field` unless `rule` allows it; false when an optional room is missing. */
export function checkRoomRule(field: string, rule: RoomRule, loaded: RoomContext): boolean {
  const { room, membership } = loaded;
  if (!room) {
    if (rule.roomOptional) {
      return false;
    }
    util.error(`Room ${loaded.roomId} does not exist`, 'NotFound');
  }
  const status = membership ? membership.status : 'NONE';
  checkMembership(rule, status, room.visibility);
  if (rule.notDirect && room.visibility === 'DIRECT') {
    util.error(`${field} is not available in direct rooms`, 'ValidationError');
  }
  if (rule.role && roleRank(membership && membership.role) < roleRank(rule.role)) {
    util.error(
      rule.role === 'OWNER' ? `Only room owners can ${field}` : `Only room owners and admins can ${field}`,
      'Unauthorized',
    );
  }
  if (rule.writable && room.archivedAt) {
    util.error(`Room ${room.id} is archived`, 'Conflict');
  }
  if (rule.unmuted && membership && membership.muted) {
    util.error(`You are muted in room ${room.id}`, 'Unauthorized');
  }
  if (rule.message && loaded.messageId !== null) {
    checkMessage(field, rule, loaded);
  }
  if (rule.target) {
    checkTarget(field, rule, loaded);
  }
  return true;
}

function checkMembership(rule: RoomRule, status: string, visibility: string): void {
  if (status === 'BANNED' && rule.member !== 'ANY') {
    util.error('You are banned from this room', 'Unauthorized');
  }
  if (rule.member === 'JOINED' && status !== 'JOINED') {
    util.error('You are not a member of this room', 'Unauthorized');
  }
  if (rule.member === 'READER' && visibility !== 'PUBLIC' && status === 'NONE') {
    util.error('This room is private: only its members and invited users can see it', 'Unauthorized');
  }
  if (rule.member === 'MEMBER_OR_INVITED' && status === 'NONE') {
    util.error('You are not a member of this room', 'NotFound');
  }
}

function checkMessage(field: string, rule: RoomRule, loaded: RoomContext): void {
  const message = loaded.message;
  if (!message) {
    util.error(`Message ${loaded.messageId} does not exist in this room`, 'NotFound');
  }
  if (rule.message === 'LIVE' && message.deletedAt) {
    util.error(`Message ${message.id} was deleted`, 'Conflict');
  }
  const isAuthor = message.authorId === loaded.callerId;
  if (rule.author === 'ONLY' && !isAuthor) {
    util.error(`Only the author can ${field}`, 'Unauthorized');
  }
  if (
    rule.author === 'OR_ADMIN' &&
    !isAuthor &&
    roleRank(loaded.membership && loaded.membership.role) < roleRank('ADMIN')
  ) {
    util.error(`Only the author or a room owner or admin can ${field}`, 'Unauthorized');
  }
}

function checkTarget(field: string, rule: RoomRule, loaded: RoomContext): void {
  const target = loaded.target;
  const status = target ? target.status : 'NONE';
  if (rule.notSelf && loaded.targetUserId === loaded.callerId) {
    util.error(`You cannot ${field} yourself`, 'ValidationError');
  }
  const allowed = rule.target ?? [];
  if (!allowed.includes(status)) {
    if (allowed.length === 1 && allowed[0] === 'BANNED') {
      util.error('The user is not banned from this room', 'NotFound');
    }
    util.error(
      TARGET_STATUS_ERRORS[status] ?? `The user cannot be the target of ${field}`,
      TARGET_STATUS_TYPES[status] ?? 'Conflict',
    );
  }
  if (rule.outranks && roleRank(loaded.membership && loaded.membership.role) <= roleRank(target && target.role)) {
    util.error(`You can only ${field} members whose role is below yours`, 'Unauthorized');
  }
}

const TARGET_STATUS_ERRORS: Record<string, string> = {
  NONE: 'The user is not a member of this room',
  INVITED: 'The user is invited but has not joined this room',
  JOINED: 'The user is already a member of this room',
  BANNED: 'The user is banned from this room',
};
const TARGET_STATUS_TYPES: Record<string, string> = {
  NONE: 'NotFound',
  INVITED: 'Conflict',
  JOINED: 'Conflict',
  BANNED: 'Conflict',
};

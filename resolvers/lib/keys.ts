/**
 * Keys of the single chat table and its indexes (see docs/data-model.md). Every access goes through these
 * builders, so the table design is written down once.
 */

/** Index names, as declared in resolvers/api.ts. */
export const BY_USER_INDEX = 'byUser';
export const ROOM_CHANGES_INDEX = 'roomChanges';
export const THREADS_INDEX = 'threads';
export const PUBLIC_ROOMS_INDEX = 'publicRooms';

export const ROOM_PARTITION_PREFIX = 'ROOM#';
export const USER_PARTITION_PREFIX = 'USER#';
export const MESSAGE_PREFIX = 'MSG#';
export const MEMBER_PREFIX = 'MEMBER#';
/** Sorts after every Crockford base32 character: the upper bound of a `MSG#…` range. */
export const MESSAGE_RANGE_END = 'MSG#~';

/** The value of `directory` that lists a room in the `publicRooms` index. */
export const PUBLIC_DIRECTORY = 'PUBLIC';

export const roomKey = (roomId: string) => ({ pk: `ROOM#${roomId}`, sk: 'ROOM' });

export const memberKey = (roomId: string, userId: string) => ({ pk: `ROOM#${roomId}`, sk: `MEMBER#${userId}` });

/** GSI `byUser`: a user's memberships (banned memberships leave it out, so they vanish from `myRooms`). */
export const memberIndexKeys = (roomId: string, userId: string) => ({
  gsi1pk: `USER#${userId}`,
  gsi1sk: `ROOM#${roomId}`,
});

export const messageKey = (roomId: string, messageId: string) => ({ pk: `ROOM#${roomId}`, sk: `MSG#${messageId}` });

/** GSI `roomChanges`: every message of a room, sorted by the cursor of its latest change. */
export const changeFeedKey = (roomId: string) => `ROOM#${roomId}`;

/** GSI `threads`: the replies of a thread root, sorted by id. */
export const threadKey = (roomId: string, rootMessageId: string) => `ROOM#${roomId}#THREAD#${rootMessageId}`;

/** The idempotency receipt of a send: one per (room, author, clientMessageId). */
export const receiptKey = (roomId: string, authorId: string, clientMessageId: string) => ({
  pk: `ROOM#${roomId}`,
  sk: `RECEIPT#${authorId}#${clientMessageId}`,
});

/** A user's send counter for one rate window, named by the window's start (epoch seconds). */
export const sendRateKey = (userId: string, windowStartSeconds: number) => ({
  pk: `USER#${userId}`,
  sk: `SENDRATE#${windowStartSeconds}`,
});

/** When a member may next send in a room in slow mode. */
export const slowModeKey = (roomId: string, userId: string) => ({ pk: `ROOM#${roomId}`, sk: `SLOWMODE#${userId}` });

/** One user's reaction with one emoji to one message: its existence is the "one per user per emoji" rule. */
export const reactionKey = (roomId: string, messageId: string, emoji: string, userId: string) => ({
  pk: `ROOM#${roomId}`,
  sk: `REACTION#${messageId}#${emoji}#${userId}`,
});

/** Prefix of every reaction item of a message. */
export const reactionPrefix = (messageId: string) => `REACTION#${messageId}#`;

/** The direct room of two users: one id for the pair, whichever of them opens it. */
export function directRoomId(userA: string, userB: string): string {
  return userA < userB ? `direct:${userA}:${userB}` : `direct:${userB}:${userA}`;
}

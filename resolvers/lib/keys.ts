/**
 * Keys of the single chat table (see docs/data-model.md). Every access goes through these builders, so the
 * table design is written down once.
 */
export const roomKey = (roomId: string) => ({ pk: `ROOM#${roomId}`, sk: 'ROOM' });

export const memberKey = (roomId: string, userId: string) => ({ pk: `ROOM#${roomId}`, sk: `MEMBER#${userId}` });

/** GSI `byUser`: a user's memberships. */
export const memberIndexKeys = (roomId: string, userId: string) => ({
  gsi1pk: `USER#${userId}`,
  gsi1sk: `ROOM#${roomId}`,
});

export const messageKey = (roomId: string, messageId: string) => ({ pk: `ROOM#${roomId}`, sk: `MSG#${messageId}` });

/** The idempotency receipt of a send: one per (room, author, clientMessageId). */
export const receiptKey = (roomId: string, authorId: string, clientMessageId: string) => ({
  pk: `ROOM#${roomId}`,
  sk: `RECEIPT#${authorId}#${clientMessageId}`,
});

export const MESSAGE_PREFIX = 'MSG#';
export const USER_PARTITION_PREFIX = 'USER#';

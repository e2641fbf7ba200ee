/** Creates a room and makes the caller its owner, in one transaction. */
import { util } from '@aws-appsync/utils';
import type { Context } from '@aws-appsync/utils';
import * as ddb from '@aws-appsync/utils/dynamodb';
import { memberIndexKeys, memberKey, roomKey } from './lib/keys';
import { callerId, chatTableName, raiseDataSourceError } from './lib/context';

/** Longest room name, in characters. */
const MAX_NAME_LENGTH = 100;

export function request(ctx: Context) {
  const { name, visibility } = ctx.args.input;
  const trimmed = name.trim();
  if (trimmed.length === 0 || trimmed.length > MAX_NAME_LENGTH) {
    util.error(`Room name must be 1 to ${MAX_NAME_LENGTH} characters`, 'ValidationError');
  }
  const userId = callerId(ctx);
  const now = util.time.nowISO8601();
  const room = { id: util.autoUlid(), name: trimmed, visibility, createdBy: userId, createdAt: now };
  ctx.stash.room = room;
  const table = chatTableName(ctx);
  return ddb.transactWrite({
    items: [
      {
        putItem: {
          table,
          key: roomKey(room.id),
          item: { ...room, type: 'Room' },
          condition: { pk: { attributeExists: false } },
        },
      },
      {
        putItem: {
          table,
          key: memberKey(room.id, userId),
          item: {
            ...memberIndexKeys(room.id, userId),
            type: 'Membership',
            roomId: room.id,
            userId,
            role: 'OWNER',
            joinedAt: now,
          },
        },
      },
    ],
  });
}

export function response(ctx: Context) {
  raiseDataSourceError(ctx);
  return ctx.stash.room;
}

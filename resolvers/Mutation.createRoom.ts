/** Creates a public or private room and makes the caller its owner, in one transaction. */
import { util } from '@aws-appsync/utils';
import type { Context } from '@aws-appsync/utils';
import * as ddb from '@aws-appsync/utils/dynamodb';
import { PUBLIC_DIRECTORY, memberKey, roomKey } from './lib/keys';
import { callerId, chatTableName, raiseDataSourceError } from './lib/context';
import { newMembershipItem } from './lib/memberships';
import { validSlowModeSeconds } from './lib/limits';
import { validRoomName, validTopic } from './lib/validation';

export function request(ctx: Context) {
  const { name, visibility, topic, slowModeSeconds } = ctx.args.input;
  if (visibility === 'DIRECT') {
    util.error('Direct rooms are opened with openDirectRoom', 'ValidationError');
  }
  const userId = callerId(ctx);
  const now = util.time.nowISO8601();
  const room = {
    id: util.autoUlid(),
    name: validRoomName(name),
    topic: validTopic(topic),
    visibility,
    createdBy: userId,
    createdAt: now,
    updatedAt: now,
    ...(slowModeSeconds == null ? {} : { slowModeSeconds: validSlowModeSeconds(slowModeSeconds) }),
  };
  ctx.stash.room = room;
  const table = chatTableName(ctx);
  return ddb.transactWrite({
    items: [
      {
        putItem: {
          table,
          key: roomKey(room.id),
          // Public rooms are listed by the `publicRooms` index.
          item: { ...room, type: 'Room', ...(visibility === 'PUBLIC' ? { directory: PUBLIC_DIRECTORY } : {}) },
          condition: { pk: { attributeExists: false } },
        },
      },
      {
        putItem: {
          table,
          key: memberKey(room.id, userId),
          item: newMembershipItem(room.id, userId, {
            role: 'OWNER',
            status: 'JOINED',
            change: 'JOINED',
            changedBy: userId,
          }),
        },
      },
    ],
  });
}

export function response(ctx: Context) {
  raiseDataSourceError(ctx);
  return ctx.stash.room;
}

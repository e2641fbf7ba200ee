/**
 * Opens the direct room of the caller and `userId`: its id comes from the two user ids, so both get the same room
 * every time. Creates the room and both memberships where missing, in one transaction of "set if absent" updates,
 * which never fails on what exists: a member who left is back, and nothing existing is overwritten.
 */
import { util } from '@aws-appsync/utils';
import type { Context } from '@aws-appsync/utils';
import { directRoomId, memberIndexKeys, memberKey, roomKey } from '../lib/keys';
import { callerId, chatTableName, raiseDataSourceError, validUserId } from '../lib/context';

/** An UpdateItem that sets each attribute only where the item lacks it. */
function setIfAbsent(table: string, key: Record<string, string>, attributes: Record<string, unknown>) {
  const names = Object.keys(attributes);
  const expressionNames: Record<string, string> = {};
  const expressionValues: Record<string, unknown> = {};
  const assignments = names.map((name, index) => {
    expressionNames[`#a${index}`] = name;
    expressionValues[`:v${index}`] = attributes[name];
    return `#a${index} = if_not_exists(#a${index}, :v${index})`;
  });
  return {
    table,
    operation: 'UpdateItem',
    key: util.dynamodb.toMapValues(key),
    update: {
      expression: `SET ${assignments.join(', ')}`,
      expressionNames,
      expressionValues: util.dynamodb.toMapValues(expressionValues),
    },
  };
}

export function request(ctx: Context) {
  const me = callerId(ctx);
  const peer = validUserId(ctx.args.userId, 'userId');
  if (peer === me) {
    util.error('A direct room needs another user', 'ValidationError');
  }
  const roomId = directRoomId(me, peer);
  const now = util.time.nowISO8601();
  const table = chatTableName(ctx);
  const membership = (userId: string, peerId: string) => ({
    ...memberIndexKeys(roomId, userId),
    type: 'Membership',
    roomId,
    userId,
    peerId,
    role: 'MEMBER',
    status: 'JOINED',
    change: 'JOINED',
    muted: false,
    joinedAt: now,
    changedBy: me,
    changedAt: now,
    readUpTo: util.autoUlid(),
  });
  ctx.stash.directRoomId = roomId;
  return {
    operation: 'TransactWriteItems',
    transactItems: [
      setIfAbsent(table, roomKey(roomId), {
        type: 'Room',
        id: roomId,
        name: '',
        visibility: 'DIRECT',
        directUserIds: me < peer ? [me, peer] : [peer, me],
        createdBy: me,
        createdAt: now,
        updatedAt: now,
      }),
      setIfAbsent(table, memberKey(roomId, me), membership(me, peer)),
      setIfAbsent(table, memberKey(roomId, peer), membership(peer, me)),
    ],
  };
}

export function response(ctx: Context) {
  raiseDataSourceError(ctx);
  return ctx.stash.directRoomId;
}

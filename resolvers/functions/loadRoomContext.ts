/**
 * The first step of every room operation: reads the room, the caller's membership and, when the operation names
 * them, the target member (`userId`) and the target message, in one consistent BatchGetItem; checks the
 * operation's rule (lib/permissions.ts); stashes what it read for the steps after. Its result is the room (with the
 * caller's membership attached, for `Room.myMembership`), or null for a missing room where that is allowed.
 */
import { util } from '@aws-appsync/utils';
import type { Context } from '@aws-appsync/utils';
import * as ddb from '@aws-appsync/utils/dynamodb';
import { memberKey, messageKey, roomKey } from '../lib/keys';
import {
  callerId,
  chatTableName,
  messageIdArgument,
  raiseDataSourceError,
  roomIdArgument,
  validUserId,
} from '../lib/context';
import type { RoomRule } from '../lib/permissions';
import { ROOM_RULES, checkRoomRule } from '../lib/permissions';

function ruleOf(field: string): RoomRule {
  const rule = ROOM_RULES[field];
  if (!rule) {
    util.error(`No room rule for ${field}`, 'InternalFailure');
  }
  return rule;
}

export function request(ctx: Context) {
  ruleOf(ctx.info.fieldName);
  const roomId = roomIdArgument(ctx);
  const me = callerId(ctx);
  const targetUserId: string | null = ctx.args.userId ? validUserId(ctx.args.userId, 'userId') : null;
  const messageId = messageIdArgument(ctx);
  ctx.stash.roomContext = { callerId: me, roomId, targetUserId, messageId };

  // BatchGetItem refuses duplicate keys: a target who is the caller is read once.
  const keys = [roomKey(roomId), memberKey(roomId, me)];
  if (targetUserId !== null && targetUserId !== me) {
    keys.push(memberKey(roomId, targetUserId));
  }
  if (messageId !== null) {
    keys.push(messageKey(roomId, messageId));
  }
  return ddb.batchGet({ tables: { [chatTableName(ctx)]: { keys, consistentRead: true } } });
}

export function response(ctx: Context) {
  raiseDataSourceError(ctx);
  const items = ctx.result.data[chatTableName(ctx)];
  const requested = ctx.stash.roomContext;
  const targetIsCaller = requested.targetUserId === requested.callerId;
  const hasTargetItem = requested.targetUserId !== null && !targetIsCaller;
  const membership = items[1] ?? null;
  const loaded = {
    ...requested,
    room: items[0] ?? null,
    membership,
    target: targetIsCaller ? membership : hasTargetItem ? items[2] ?? null : null,
    message: requested.messageId !== null ? items[hasTargetItem ? 3 : 2] ?? null : null,
  };
  ctx.stash.roomContext = loaded;
  ctx.stash.room = loaded.room;
  ctx.stash.membership = membership;
  if (!checkRoomRule(ctx.info.fieldName, ruleOf(ctx.info.fieldName), loaded)) {
    // Only `room(id)` allows a missing room, and this is its only step.
    return null;
  }
  return { ...loaded.room, callerMembership: membership };
}

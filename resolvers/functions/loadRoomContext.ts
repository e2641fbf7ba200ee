/**
 * The first step of every room operation: reads the room, the caller's membership and, when the operation names
 * them, the target member (`userId`) and the target message — and for a send with a `clientMessageId`, its receipt —
 * in one consistent BatchGetItem; checks the
 * operation's rule (lib/permissions.ts); stashes what it read for the steps after. Its result is the room (with the
 * caller's membership attached, for `Room.myMembership`), or null for a missing room where that is allowed.
 */
import { util } from '@aws-appsync/utils';
import type { Context } from '@aws-appsync/utils';
import * as ddb from '@aws-appsync/utils/dynamodb';
import { memberKey, messageKey, receiptKey, roomKey } from '../lib/keys';
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
import { validClientMessageId } from '../lib/validation';

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

  // BatchGetItem refuses duplicate keys: a target who is the caller is read once. Items come back in key order.
  const keys = [roomKey(roomId), memberKey(roomId, me)];
  const positions = { target: -1, message: -1, receipt: -1 };
  if (targetUserId !== null && targetUserId !== me) {
    positions.target = keys.push(memberKey(roomId, targetUserId)) - 1;
  }
  if (messageId !== null) {
    positions.message = keys.push(messageKey(roomId, messageId)) - 1;
  }
  // A send repeating a stored clientMessageId is answered from its receipt, before any limit counts it.
  const clientMessageId: string | null = ctx.info.fieldName === 'sendMessage' ? ctx.args.input.clientMessageId ?? null : null;
  if (clientMessageId !== null) {
    positions.receipt = keys.push(receiptKey(roomId, me, validClientMessageId(clientMessageId))) - 1;
  }
  ctx.stash.keyPositions = positions;
  return ddb.batchGet({ tables: { [chatTableName(ctx)]: { keys, consistentRead: true } } });
}

export function response(ctx: Context) {
  raiseDataSourceError(ctx);
  const items = ctx.result.data[chatTableName(ctx)];
  const requested = ctx.stash.roomContext;
  const positions = ctx.stash.keyPositions;
  const itemAt = (position: number) => (position < 0 ? null : items[position] ?? null);
  const membership = items[1] ?? null;
  const loaded = {
    ...requested,
    room: items[0] ?? null,
    membership,
    target: requested.targetUserId === requested.callerId ? membership : itemAt(positions.target),
    message: itemAt(positions.message),
    receipt: itemAt(positions.receipt),
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

/**
 * Slow mode (after limitSendRate, before putMessage): in a room with `slowModeSeconds`, a member below admin may send
 * once per interval. One conditional PutItem records the member's send time, only if the previous one is at least the
 * room's current interval ago, so two parallel sends cannot both pass and a shortened interval applies at once. A
 * refused put hands back the stored item, whose time says when to retry.
 * Owners and admins, and rooms without slow mode, skip this step.
 */
import { runtime, util } from '@aws-appsync/utils';
import type { Context } from '@aws-appsync/utils';
import * as ddb from '@aws-appsync/utils/dynamodb';
import { slowModeKey } from '../lib/keys';
import { refuseSend } from '../lib/limits';
import { roleRank } from '../lib/memberships';

export function request(ctx: Context) {
  const { room, membership, roomId, callerId } = ctx.stash.roomContext;
  const seconds: number = room.slowModeSeconds ?? 0;
  if (seconds === 0 || roleRank(membership.role) >= roleRank('ADMIN')) {
    runtime.earlyReturn(ctx.prev.result);
  }
  const now = util.time.nowEpochMilliSeconds();
  const intervalMs = seconds * 1000;
  ctx.stash.slowMode = { seconds, now };
  return ddb.put<Record<string, unknown>>({
    key: slowModeKey(roomId, callerId),
    item: { type: 'SlowModeSend', sentAt: now, expiresAt: Math.ceil((now + intervalMs) / 1000) },
    condition: { or: [{ sentAt: { attributeExists: false } }, { sentAt: { le: now - intervalMs } }] },
  });
}

export function response(ctx: Context) {
  if (ctx.error) {
    if (ctx.error.type === 'DynamoDB:ConditionalCheckFailedException') {
      const { seconds, now } = ctx.stash.slowMode;
      const previous: { sentAt?: number } | null = ctx.result;
      const waitMs = previous && previous.sentAt ? previous.sentAt + seconds * 1000 - now : seconds * 1000;
      refuseSend(`This room is in slow mode: one message per ${seconds} s`, waitMs, 'SLOW_MODE');
    }
    util.error(ctx.error.message, ctx.error.type);
  }
  return ctx.prev.result;
}

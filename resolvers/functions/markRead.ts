/**
 * Moves the caller's read marker to `messageId`. Markers only move forward: marking an older message read
 * returns the membership unchanged. Runs after loadRoomContext, which checked the message is in the room.
 */
import { util } from '@aws-appsync/utils';
import type { Context } from '@aws-appsync/utils';
import * as ddb from '@aws-appsync/utils/dynamodb';
import { memberKey } from '../lib/keys';
import { callerId } from '../lib/context';
import { toMembership } from '../lib/memberships';

export function request(ctx: Context) {
  const me = callerId(ctx);
  const messageId: string = ctx.args.messageId;
  const now = util.time.nowISO8601();
  return ddb.update({
    key: memberKey(ctx.stash.room.id, me),
    update: {
      readUpTo: messageId,
      lastReadMessageId: messageId,
      lastReadAt: now,
      change: 'READ',
      changedBy: me,
      changedAt: now,
    },
    condition: { status: { eq: 'JOINED' }, readUpTo: { lt: messageId } },
  });
}

export function response(ctx: Context) {
  if (ctx.error) {
    if (ctx.error.type === 'DynamoDB:ConditionalCheckFailedException') {
      return toMembership(ctx.stash.membership);
    }
    util.error(ctx.error.message, ctx.error.type);
  }
  return toMembership(ctx.result);
}

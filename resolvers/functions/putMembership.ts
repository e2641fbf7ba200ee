/** Joins the caller to the public room in `ctx.stash.room`; joining twice returns the existing membership. */
import { util } from '@aws-appsync/utils';
import type { Context } from '@aws-appsync/utils';
import * as ddb from '@aws-appsync/utils/dynamodb';
import { memberIndexKeys, memberKey } from '../lib/keys';
import { callerId } from '../lib/context';

export function request(ctx: Context) {
  const room = ctx.stash.room;
  if (!room) {
    util.error(`Room ${ctx.args.roomId} does not exist`, 'NotFound');
  }
  if (room.visibility !== 'PUBLIC') {
    util.unauthorized();
  }
  const userId = callerId(ctx);
  return ddb.put<Record<string, unknown>>({
    key: memberKey(room.id, userId),
    item: {
      ...memberIndexKeys(room.id, userId),
      type: 'Membership',
      roomId: room.id,
      userId,
      role: 'MEMBER',
      joinedAt: util.time.nowISO8601(),
    },
    condition: { pk: { attributeExists: false } },
  });
}

export function response(ctx: Context) {
  if (ctx.error) {
    // Already a member: the rejected conditional put hands back the membership that exists.
    if (ctx.error.type === 'DynamoDB:ConditionalCheckFailedException' && ctx.result) {
      return ctx.result;
    }
    util.error(ctx.error.message, ctx.error.type);
  }
  return ctx.result;
}

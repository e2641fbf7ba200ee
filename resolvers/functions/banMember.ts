/**
 * Bans `userId`: the membership becomes BANNED (kept, so they cannot rejoin or be invited, and out of the `byUser`
 * index, so the room leaves their `myRooms`), and their subscriptions to the room end at once. Banning someone
 * who is not a member is allowed (a pre-emptive ban). Runs after loadRoomContext.
 */
import { util } from '@aws-appsync/utils';
import type { Context } from '@aws-appsync/utils';
import * as ddb from '@aws-appsync/utils/dynamodb';
import { memberKey } from '../lib/keys';
import { callerId, raiseDataSourceError } from '../lib/context';
import { toMembership } from '../lib/memberships';
import { endRoomSubscriptions } from '../lib/subscriptions';

export function request(ctx: Context) {
  const roomId: string = ctx.stash.room.id;
  const userId: string = ctx.args.userId;
  const now = util.time.nowISO8601();
  return ddb.put<Record<string, unknown>>({
    key: memberKey(roomId, userId),
    item: {
      type: 'Membership',
      roomId,
      userId,
      role: 'MEMBER',
      status: 'BANNED',
      change: 'BANNED',
      muted: false,
      changedBy: callerId(ctx),
      changedAt: now,
    },
  });
}

export function response(ctx: Context) {
  raiseDataSourceError(ctx);
  endRoomSubscriptions(ctx.result.roomId, ctx.result.userId);
  return toMembership(ctx.result);
}

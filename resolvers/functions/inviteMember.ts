/**
 * Invites `userId` to the room: an INVITED membership, listed in the invitee's `myRooms` and published to their
 * `onMyRooms`, until they join (accept) or leave (decline). Inviting again renews the invitation. Runs after
 * loadRoomContext, which refused members, banned users and callers below admin.
 */
import { util } from '@aws-appsync/utils';
import type { Context } from '@aws-appsync/utils';
import * as ddb from '@aws-appsync/utils/dynamodb';
import { memberKey } from '../lib/keys';
import { callerId } from '../lib/context';
import { newMembershipItem, toMembership } from '../lib/memberships';

export function request(ctx: Context) {
  const me = callerId(ctx);
  const roomId: string = ctx.stash.room.id;
  const userId: string = ctx.args.userId;
  return ddb.put<Record<string, unknown>>({
    key: memberKey(roomId, userId),
    item: newMembershipItem(roomId, userId, {
      role: 'MEMBER',
      status: 'INVITED',
      change: 'INVITED',
      changedBy: me,
      invitedBy: me,
    }),
    // Joined or banned in the meantime: leave it.
    condition: { or: [{ pk: { attributeExists: false } }, { status: { eq: 'INVITED' } }] },
  });
}

export function response(ctx: Context) {
  if (ctx.error) {
    util.error(
      ctx.error.type === 'DynamoDB:ConditionalCheckFailedException'
        ? 'The user joined or was banned meanwhile'
        : ctx.error.message,
      ctx.error.type === 'DynamoDB:ConditionalCheckFailedException' ? 'Conflict' : ctx.error.type,
    );
  }
  return toMembership(ctx.result);
}

/**
 * Joins the caller to a room: any public room, a private room they are invited to (accepting the invitation), or
 * their own direct room. Joining again returns the membership as it is. Runs after loadRoomContext.
 */
import { runtime, util } from '@aws-appsync/utils';
import type { Context } from '@aws-appsync/utils';
import * as ddb from '@aws-appsync/utils/dynamodb';
import { memberKey } from '../lib/keys';
import { callerId } from '../lib/context';
import { newMembershipItem, toMembership } from '../lib/memberships';

export function request(ctx: Context) {
  const room = ctx.stash.room;
  const membership = ctx.stash.membership;
  const me = callerId(ctx);
  if (membership && membership.status === 'BANNED') {
    util.error('You are banned from this room', 'Unauthorized');
  }
  if (membership && membership.status === 'JOINED') {
    runtime.earlyReturn(toMembership(membership));
  }
  const now = util.time.nowISO8601();
  if (membership && membership.status === 'INVITED') {
    return ddb.update({
      key: memberKey(room.id, me),
      update: {
        status: 'JOINED',
        change: 'JOINED',
        joinedAt: now,
        changedBy: me,
        changedAt: now,
        readUpTo: util.autoUlid(),
      },
      condition: { status: { eq: 'INVITED' } },
    });
  }
  const ownDirectRoom = room.visibility === 'DIRECT' && (room.directUserIds ?? []).includes(me);
  if (room.visibility !== 'PUBLIC' && !ownDirectRoom) {
    util.error('This room is private: you need an invitation to join it', 'Unauthorized');
  }
  return ddb.put<Record<string, unknown>>({
    key: memberKey(room.id, me),
    item: newMembershipItem(room.id, me, {
      role: 'MEMBER',
      status: 'JOINED',
      change: 'JOINED',
      changedBy: me,
      ...(ownDirectRoom ? { peerId: (room.directUserIds ?? []).find((userId: string) => userId !== me) } : {}),
    }),
    condition: { pk: { attributeExists: false } },
  });
}

export function response(ctx: Context) {
  if (ctx.error) {
    // A concurrent join won: the rejected put hands back the membership that exists.
    if (ctx.error.type === 'DynamoDB:ConditionalCheckFailedException' && ctx.result && ctx.result.status === 'JOINED') {
      return toMembership(ctx.result);
    }
    util.error(
      ctx.error.message,
      ctx.error.type === 'DynamoDB:ConditionalCheckFailedException' ? 'Conflict' : ctx.error.type,
    );
  }
  return toMembership(ctx.result);
}

/**
 * leaveRoom (the caller; declines an invitation too), removeMember (a member or invitation, by an admin) and
 * unbanMember (lifts a ban): deletes the membership item and returns it with status NONE and what happened.
 * Leaving and removal end the user's subscriptions to the room at once. Runs after loadRoomContext.
 */
import { util } from '@aws-appsync/utils';
import type { Context } from '@aws-appsync/utils';
import * as ddb from '@aws-appsync/utils/dynamodb';
import { memberKey } from '../lib/keys';
import { callerId } from '../lib/context';
import { toMembership } from '../lib/memberships';
import { endRoomSubscriptions } from '../lib/subscriptions';

/** Per operation: whose membership, what it becomes known as, which states it may be in. */
const DELETIONS: Record<string, { change: string; statuses: string[] }> = {
  leaveRoom: { change: 'LEFT', statuses: ['JOINED', 'INVITED'] },
  removeMember: { change: 'REMOVED', statuses: ['JOINED', 'INVITED'] },
  unbanMember: { change: 'UNBANNED', statuses: ['BANNED'] },
};

export function request(ctx: Context) {
  const field = ctx.info.fieldName;
  const me = callerId(ctx);
  if (field === 'leaveRoom' && ctx.stash.membership.role === 'OWNER') {
    util.error(
      'Owners cannot leave: make another member owner (setMemberRole), who can then change your role; ' +
        'or archive the room',
      'Conflict',
    );
  }
  const userId = field === 'leaveRoom' ? me : ctx.args.userId;
  const statuses = DELETIONS[field]?.statuses ?? [];
  return ddb.remove({ key: memberKey(ctx.stash.room.id, userId), condition: { status: { in: statuses } } });
}

export function response(ctx: Context) {
  if (ctx.error || !ctx.result) {
    util.error('The membership changed meanwhile; nothing was removed', 'Conflict');
  }
  const change = DELETIONS[ctx.info.fieldName]?.change ?? 'LEFT';
  if (change !== 'UNBANNED') {
    endRoomSubscriptions(ctx.result.roomId, ctx.result.userId);
  }
  return toMembership({
    ...ctx.result,
    status: 'NONE',
    change,
    changedBy: callerId(ctx),
    changedAt: util.time.nowISO8601(),
  });
}

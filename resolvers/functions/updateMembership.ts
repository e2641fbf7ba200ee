/**
 * setMemberRole, muteMember, unmuteMember: changes a joined member's role or mute. Muted members keep reading
 * but cannot send, edit, react or type. Runs after loadRoomContext.
 */
import { util } from '@aws-appsync/utils';
import type { Context } from '@aws-appsync/utils';
import * as ddb from '@aws-appsync/utils/dynamodb';
import { memberKey } from '../lib/keys';
import { callerId } from '../lib/context';
import { toMembership } from '../lib/memberships';

export function request(ctx: Context) {
  const field = ctx.info.fieldName;
  const update: Record<string, unknown> =
    field === 'setMemberRole'
      ? { role: ctx.args.role, change: 'ROLE_CHANGED' }
      : { muted: field === 'muteMember', change: field === 'muteMember' ? 'MUTED' : 'UNMUTED' };
  update.changedBy = callerId(ctx);
  update.changedAt = util.time.nowISO8601();
  return ddb.update({
    key: memberKey(ctx.stash.room.id, ctx.args.userId),
    update,
    condition: { status: { eq: 'JOINED' } },
  });
}

export function response(ctx: Context) {
  if (ctx.error) {
    util.error('The user is no longer a member of this room', 'Conflict');
  }
  return toMembership(ctx.result);
}

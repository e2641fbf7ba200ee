/** A page of a room's memberships (joined and invited; banned ones too for owners and admins), by user id. */
import type { Context } from '@aws-appsync/utils';
import * as ddb from '@aws-appsync/utils/dynamodb';
import { MEMBER_PREFIX, roomKey } from '../lib/keys';
import { pageLimit, raiseDataSourceError } from '../lib/context';
import { roleRank, toMembership } from '../lib/memberships';

export function request(ctx: Context) {
  const moderator = roleRank(ctx.stash.membership.role) >= roleRank('ADMIN');
  return ddb.query({
    query: { pk: { eq: roomKey(ctx.stash.room.id).pk }, sk: { beginsWith: MEMBER_PREFIX } },
    filter: moderator ? null : { status: { ne: 'BANNED' } },
    limit: pageLimit(ctx.args.limit),
    nextToken: ctx.args.nextToken,
  });
}

export function response(ctx: Context) {
  raiseDataSourceError(ctx);
  return { items: ctx.result.items.map(toMembership), nextToken: ctx.result.nextToken };
}

/**
 * Reads the rooms of the memberships in `ctx.prev.result`, in the same order, each with the caller's membership
 * attached (so `Room.myMembership` and `Room.lastMessage` need no further read).
 */
import { runtime } from '@aws-appsync/utils';
import type { Context } from '@aws-appsync/utils';
import * as ddb from '@aws-appsync/utils/dynamodb';
import { roomKey } from '../lib/keys';
import { chatTableName, raiseDataSourceError } from '../lib/context';
import { toMembership } from '../lib/memberships';

export function request(ctx: Context) {
  if (ctx.prev.result.length === 0) {
    runtime.earlyReturn({ items: [], nextToken: ctx.stash.nextToken });
  }
  ctx.stash.memberships = ctx.prev.result;
  const keys = ctx.prev.result.map((membership: { roomId: string }) => roomKey(membership.roomId));
  return ddb.batchGet({ tables: { [chatTableName(ctx)]: { keys } } });
}

export function response(ctx: Context) {
  raiseDataSourceError(ctx);
  const memberships = ctx.stash.memberships;
  const rooms = ctx.result.data[chatTableName(ctx)]
    .map((room: Record<string, unknown> | null, index: number) =>
      room === null ? null : { ...room, callerMembership: toMembership(memberships[index]) },
    )
    .filter((room: unknown) => room !== null);
  return { items: rooms, nextToken: ctx.stash.nextToken };
}

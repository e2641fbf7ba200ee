/** Reads the rooms of the memberships in `ctx.prev.result`, in the same order. */
import type { Context } from '@aws-appsync/utils';
import * as ddb from '@aws-appsync/utils/dynamodb';
import { roomKey } from '../lib/keys';
import { chatTableName, raiseDataSourceError } from '../lib/context';

export function request(ctx: Context) {
  const keys = ctx.prev.result.map((membership: { roomId: string }) => roomKey(membership.roomId));
  return ddb.batchGet({ tables: { [chatTableName(ctx)]: { keys } } });
}

export function response(ctx: Context) {
  raiseDataSourceError(ctx);
  const rooms = ctx.result.data[chatTableName(ctx)].filter((room: unknown) => room !== null);
  return { items: rooms, nextToken: ctx.stash.nextToken };
}

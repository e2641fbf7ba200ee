/**
 * The caller's membership of the room in `ctx.source` (null when none): the one attached by the query that
 * produced the room when there is one, else a read.
 */
import { runtime } from '@aws-appsync/utils';
import type { Context } from '@aws-appsync/utils';
import * as ddb from '@aws-appsync/utils/dynamodb';
import { memberKey } from '../lib/keys';
import { callerId, raiseDataSourceError } from '../lib/context';
import { toMembership } from '../lib/memberships';

export function request(ctx: Context) {
  if (ctx.source.callerMembership !== undefined) {
    runtime.earlyReturn(ctx.source.callerMembership);
  }
  return ddb.get({ key: memberKey(ctx.source.id, callerId(ctx)) });
}

export function response(ctx: Context) {
  raiseDataSourceError(ctx);
  return ctx.result ? toMembership(ctx.result) : null;
}

/**
 * Refuses callers who are not members of the room named by `roomId` (or `input.roomId`); stashes the membership.
 */
import { util } from '@aws-appsync/utils';
import type { Context } from '@aws-appsync/utils';
import * as ddb from '@aws-appsync/utils/dynamodb';
import { memberKey } from '../lib/keys';
import { callerId, raiseDataSourceError } from '../lib/context';

export function request(ctx: Context) {
  const roomId: string = ctx.args.roomId ?? ctx.args.input.roomId;
  return ddb.get({ key: memberKey(roomId, callerId(ctx)), consistentRead: true });
}

export function response(ctx: Context) {
  raiseDataSourceError(ctx);
  if (!ctx.result) {
    util.unauthorized();
  }
  ctx.stash.membership = ctx.result;
  return ctx.result;
}

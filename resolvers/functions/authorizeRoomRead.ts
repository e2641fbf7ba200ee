/** Public rooms are readable by every user; private rooms only by their members. */
import { runtime, util } from '@aws-appsync/utils';
import type { Context } from '@aws-appsync/utils';
import * as ddb from '@aws-appsync/utils/dynamodb';
import { memberKey } from '../lib/keys';
import { callerId, raiseDataSourceError } from '../lib/context';

export function request(ctx: Context) {
  const room = ctx.stash.room;
  if (!room || room.visibility === 'PUBLIC') {
    runtime.earlyReturn(room, { skipTo: 'END' });
  }
  return ddb.get({ key: memberKey(room.id, callerId(ctx)), consistentRead: true });
}

export function response(ctx: Context) {
  raiseDataSourceError(ctx);
  if (!ctx.result) {
    util.unauthorized();
  }
  return ctx.stash.room;
}

/** Reads the room named by `id`, `roomId` or `input.roomId` into `ctx.stash.room` (null when there is none). */
import type { Context } from '@aws-appsync/utils';
import * as ddb from '@aws-appsync/utils/dynamodb';
import { roomKey } from '../lib/keys';
import { raiseDataSourceError } from '../lib/context';

export function request(ctx: Context) {
  const roomId: string = ctx.args.id ?? ctx.args.roomId ?? ctx.args.input.roomId;
  return ddb.get({ key: roomKey(roomId) });
}

export function response(ctx: Context) {
  raiseDataSourceError(ctx);
  ctx.stash.room = ctx.result;
  return ctx.result;
}

/** The room of a membership. */
import type { Context } from '@aws-appsync/utils';
import * as ddb from '@aws-appsync/utils/dynamodb';
import { roomKey } from './lib/keys';
import { raiseDataSourceError } from './lib/context';

export function request(ctx: Context) {
  return ddb.get({ key: roomKey(ctx.source.roomId) });
}

export function response(ctx: Context) {
  raiseDataSourceError(ctx);
  return ctx.result;
}

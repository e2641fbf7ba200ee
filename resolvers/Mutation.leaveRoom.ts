/** Removes the caller's membership and ends the caller's subscriptions to the room at once. */
import { extensions, util } from '@aws-appsync/utils';
import type { Context } from '@aws-appsync/utils';
import * as ddb from '@aws-appsync/utils/dynamodb';
import { memberKey } from './lib/keys';
import { callerId, raiseDataSourceError } from './lib/context';

export function request(ctx: Context) {
  return ddb.remove({ key: memberKey(ctx.args.roomId, callerId(ctx)), condition: { pk: { attributeExists: true } } });
}

export function response(ctx: Context) {
  raiseDataSourceError(ctx);
  if (!ctx.result) {
    util.error(`You are not a member of room ${ctx.args.roomId}`, 'NotFound');
  }
  extensions.invalidateSubscriptions({
    subscriptionField: 'onMessage',
    payload: { roomId: ctx.args.roomId, userId: ctx.result.userId },
  });
  return ctx.result;
}

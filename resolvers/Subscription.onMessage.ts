/**
 * Members only: the membership is checked here, from the subscriber's identity, never trusted from the argument.
 * The subscription ends when the member leaves (see Mutation.leaveRoom).
 */
import { extensions, util } from '@aws-appsync/utils';
import type { Context } from '@aws-appsync/utils';
import * as ddb from '@aws-appsync/utils/dynamodb';
import { memberKey } from './lib/keys';
import { callerId, raiseDataSourceError } from './lib/context';

export function request(ctx: Context) {
  return ddb.get({ key: memberKey(ctx.args.roomId, callerId(ctx)), consistentRead: true });
}

export function response(ctx: Context) {
  raiseDataSourceError(ctx);
  if (!ctx.result) {
    util.unauthorized();
  }
  const roomId: string = ctx.args.roomId;
  extensions.setSubscriptionFilter(util.transform.toSubscriptionFilter({ roomId: { eq: roomId } }));
  extensions.setSubscriptionInvalidationFilter(
    util.transform.toSubscriptionFilter({ roomId: { eq: roomId }, userId: { eq: ctx.result.userId } }),
  );
  return null;
}

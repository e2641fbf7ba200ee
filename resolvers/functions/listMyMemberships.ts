/** A page of the caller's memberships (GSI byUser); the page's nextToken is kept for the connection. */
import type { Context } from '@aws-appsync/utils';
import * as ddb from '@aws-appsync/utils/dynamodb';
import { BY_USER_INDEX, ROOM_PARTITION_PREFIX, USER_PARTITION_PREFIX } from '../lib/keys';
import { callerId, pageLimit, raiseDataSourceError } from '../lib/context';

export function request(ctx: Context) {
  return ddb.query({
    index: BY_USER_INDEX,
    // The user partition also holds the raw-WebSocket side's CONN# items: read memberships only.
    query: {
      gsi1pk: { eq: `${USER_PARTITION_PREFIX}${callerId(ctx)}` },
      gsi1sk: { beginsWith: ROOM_PARTITION_PREFIX },
    },
    limit: pageLimit(ctx.args.limit),
    nextToken: ctx.args.nextToken,
  });
}

export function response(ctx: Context) {
  raiseDataSourceError(ctx);
  ctx.stash.nextToken = ctx.result.nextToken;
  return ctx.result.items;
}

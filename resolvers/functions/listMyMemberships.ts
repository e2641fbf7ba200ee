/** A page of the caller's memberships (GSI byUser); the page's nextToken is kept for the connection. */
import { runtime } from '@aws-appsync/utils';
import type { Context } from '@aws-appsync/utils';
import * as ddb from '@aws-appsync/utils/dynamodb';
import { USER_PARTITION_PREFIX } from '../lib/keys';
import { callerId, pageLimit, raiseDataSourceError } from '../lib/context';

export function request(ctx: Context) {
  return ddb.query({
    index: 'byUser',
    query: { gsi1pk: { eq: `${USER_PARTITION_PREFIX}${callerId(ctx)}` } },
    limit: pageLimit(ctx.args.limit),
    nextToken: ctx.args.nextToken,
  });
}

export function response(ctx: Context) {
  raiseDataSourceError(ctx);
  ctx.stash.nextToken = ctx.result.nextToken;
  if (ctx.result.items.length === 0) {
    runtime.earlyReturn({ items: [], nextToken: ctx.result.nextToken }, { skipTo: 'END' });
  }
  return ctx.result.items;
}

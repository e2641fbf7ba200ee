/** Who reacted to a message with what: a page of its reaction items (none for a deleted message). */
import { runtime } from '@aws-appsync/utils';
import type { Context } from '@aws-appsync/utils';
import * as ddb from '@aws-appsync/utils/dynamodb';
import { reactionPrefix, roomKey } from '../lib/keys';
import { pageLimit, raiseDataSourceError } from '../lib/context';

export function request(ctx: Context) {
  const message = ctx.stash.roomContext.message;
  if (message.deletedAt) {
    runtime.earlyReturn({ items: [], nextToken: null });
  }
  return ddb.query({
    query: { pk: { eq: roomKey(message.roomId).pk }, sk: { beginsWith: reactionPrefix(message.id) } },
    limit: pageLimit(ctx.args.limit),
    nextToken: ctx.args.nextToken,
  });
}

export function response(ctx: Context) {
  raiseDataSourceError(ctx);
  return { items: ctx.result.items, nextToken: ctx.result.nextToken };
}

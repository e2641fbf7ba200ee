/** A page of a room's messages, newest first (message ids are ULIDs, so the sort key is creation order). */
import type { Context } from '@aws-appsync/utils';
import * as ddb from '@aws-appsync/utils/dynamodb';
import { MESSAGE_PREFIX, roomKey } from '../lib/keys';
import { pageLimit, raiseDataSourceError } from '../lib/context';
import { toMessage } from '../lib/messages';

export function request(ctx: Context) {
  return ddb.query({
    query: { pk: { eq: roomKey(ctx.stash.room.id).pk }, sk: { beginsWith: MESSAGE_PREFIX } },
    scanIndexForward: false,
    limit: pageLimit(ctx.args.limit),
    nextToken: ctx.args.nextToken,
  });
}

export function response(ctx: Context) {
  raiseDataSourceError(ctx);
  return { items: ctx.result.items.map(toMessage), nextToken: ctx.result.nextToken };
}

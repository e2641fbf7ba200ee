/** A page of the public rooms that are not archived, newest first: GSI `publicRooms`, no Scan. */
import type { Context } from '@aws-appsync/utils';
import * as ddb from '@aws-appsync/utils/dynamodb';
import { PUBLIC_DIRECTORY, PUBLIC_ROOMS_INDEX } from './lib/keys';
import { pageLimit, raiseDataSourceError } from './lib/context';

export function request(ctx: Context) {
  return ddb.query({
    index: PUBLIC_ROOMS_INDEX,
    query: { directory: { eq: PUBLIC_DIRECTORY } },
    scanIndexForward: false,
    limit: pageLimit(ctx.args.limit),
    nextToken: ctx.args.nextToken,
  });
}

export function response(ctx: Context) {
  raiseDataSourceError(ctx);
  return { items: ctx.result.items, nextToken: ctx.result.nextToken };
}

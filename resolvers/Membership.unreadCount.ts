/**
 * Messages after the member's read marker that others wrote and nobody deleted, counted among the next
 * UNREAD_COUNT_LIMIT messages: 100 means "100 or more". 0 for members who have not joined.
 */
import { runtime } from '@aws-appsync/utils';
import type { Context } from '@aws-appsync/utils';
import * as ddb from '@aws-appsync/utils/dynamodb';
import { MESSAGE_PREFIX, MESSAGE_RANGE_END, roomKey } from './lib/keys';
import { raiseDataSourceError } from './lib/context';

/** Messages one count reads at most. */
const UNREAD_COUNT_LIMIT = 100;

export function request(ctx: Context) {
  const membership = ctx.source;
  if (membership.status !== 'JOINED' || !membership.readUpTo) {
    runtime.earlyReturn(0);
  }
  return ddb.query({
    query: {
      pk: { eq: roomKey(membership.roomId).pk },
      sk: { between: [`${MESSAGE_PREFIX}${membership.readUpTo}`, MESSAGE_RANGE_END] },
    },
    filter: { authorId: { ne: membership.userId }, deletedAt: { attributeExists: false } },
    limit: UNREAD_COUNT_LIMIT,
  });
}

export function response(ctx: Context) {
  raiseDataSourceError(ctx);
  // The range starts at the marker itself: the message marked read is not unread.
  return ctx.result.items.filter((message: { id: string }) => message.id !== ctx.source.readUpTo).length;
}

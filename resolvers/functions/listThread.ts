/**
 * A page of the replies in the thread of `messageId` (the root, or any reply in it), oldest first: GSI `threads`.
 * loadRoomContext has checked that the message is in the caller's room, so the thread key is the room's.
 */
import type { Context } from '@aws-appsync/utils';
import * as ddb from '@aws-appsync/utils/dynamodb';
import { THREADS_INDEX, threadKey } from '../lib/keys';
import { pageLimit, raiseDataSourceError } from '../lib/context';
import { toMessage } from '../lib/messages';

export function request(ctx: Context) {
  const message = ctx.stash.roomContext.message;
  return ddb.query({
    index: THREADS_INDEX,
    query: { thread: { eq: threadKey(message.roomId, message.threadId ?? message.id) } },
    limit: pageLimit(ctx.args.limit),
    nextToken: ctx.args.nextToken,
  });
}

export function response(ctx: Context) {
  raiseDataSourceError(ctx);
  return { items: ctx.result.items.map(toMessage), nextToken: ctx.result.nextToken };
}

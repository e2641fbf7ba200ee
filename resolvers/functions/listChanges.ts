/**
 * Catch-up: every message of the room created, edited, deleted or reacted to after the cursor `after`, in change
 * order, each once in its latest state (GSI `roomChanges`, sorted by each message's latest change cursor). Reads
 * from CATCH_UP_OVERLAP_MS before `after` (see lib/messages.ts), so a client may get a state again; it keeps the
 * one with the higher `version`. Pages continue with `nextToken` and the same `after`.
 */
import { util } from '@aws-appsync/utils';
import type { Context } from '@aws-appsync/utils';
import * as ddb from '@aws-appsync/utils/dynamodb';
import { ROOM_CHANGES_INDEX, changeFeedKey } from '../lib/keys';
import { pageLimit, raiseDataSourceError } from '../lib/context';
import { CATCH_UP_OVERLAP_MS, ULID_PATTERN, lowestUlidAt, toMessage, ulidTime } from '../lib/messages';

export function request(ctx: Context) {
  const after: string = ctx.args.after;
  if (!util.matches(ULID_PATTERN, after)) {
    util.error(
      'after must be a cursor from a message (26 characters, ULID); 26 zeros reads from the start',
      'ValidationError',
    );
  }
  return ddb.query({
    index: ROOM_CHANGES_INDEX,
    query: {
      changeFeed: { eq: changeFeedKey(ctx.stash.room.id) },
      cursor: { gt: lowestUlidAt(ulidTime(after) - CATCH_UP_OVERLAP_MS) },
    },
    limit: pageLimit(ctx.args.limit),
    nextToken: ctx.args.nextToken,
  });
}

export function response(ctx: Context) {
  raiseDataSourceError(ctx);
  return { items: ctx.result.items.map(toMessage), nextToken: ctx.result.nextToken };
}

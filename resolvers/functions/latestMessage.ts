/**
 * The newest message of the room in `ctx.source`, in its current state (a tombstone if deleted), for callers who
 * may read the room's messages (anyone for public rooms, joined members otherwise); null for the others.
 */
import { runtime } from '@aws-appsync/utils';
import type { Context } from '@aws-appsync/utils';
import * as ddb from '@aws-appsync/utils/dynamodb';
import { MESSAGE_PREFIX, roomKey } from '../lib/keys';
import { raiseDataSourceError } from '../lib/context';
import { toMessage } from '../lib/messages';

export function request(ctx: Context) {
  const membership = ctx.prev.result;
  const readable = ctx.source.visibility === 'PUBLIC' || (membership !== null && membership.status === 'JOINED');
  if (!readable) {
    runtime.earlyReturn(null);
  }
  return ddb.query({
    query: { pk: { eq: roomKey(ctx.source.id).pk }, sk: { beginsWith: MESSAGE_PREFIX } },
    scanIndexForward: false,
    limit: 1,
  });
}

export function response(ctx: Context) {
  raiseDataSourceError(ctx);
  const newest = ctx.result.items[0];
  return newest ? toMessage(newest) : null;
}

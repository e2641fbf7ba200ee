/**
 * After openDirectRoom: the caller's membership of the direct room as stored, marked DIRECT_OPENED so `onMyRooms`
 * delivers it to the other user (its `peerId`).
 */
import type { Context } from '@aws-appsync/utils';
import * as ddb from '@aws-appsync/utils/dynamodb';
import { memberKey } from '../lib/keys';
import { callerId, raiseDataSourceError } from '../lib/context';
import { toMembership } from '../lib/memberships';

export function request(ctx: Context) {
  return ddb.get({ key: memberKey(ctx.stash.directRoomId, callerId(ctx)), consistentRead: true });
}

export function response(ctx: Context) {
  raiseDataSourceError(ctx);
  return toMembership({ ...ctx.result, change: 'DIRECT_OPENED' });
}

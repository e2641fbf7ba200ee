/**
 * archiveRoom / unarchiveRoom: an archived room keeps its history readable but takes no new messages, reactions,
 * members or changes, and leaves the public listing. Asking for the state a room is in already changes nothing.
 * Runs after loadRoomContext.
 */
import { runtime, util } from '@aws-appsync/utils';
import type { Context } from '@aws-appsync/utils';
import * as ddb from '@aws-appsync/utils/dynamodb';
import { PUBLIC_DIRECTORY, roomKey } from '../lib/keys';
import { callerId, raiseDataSourceError } from '../lib/context';

export function request(ctx: Context) {
  const room = ctx.stash.room;
  const archive = ctx.info.fieldName === 'archiveRoom';
  if (archive === Boolean(room.archivedAt)) {
    runtime.earlyReturn(room);
  }
  const now = util.time.nowISO8601();
  const update: Record<string, unknown> = archive
    ? { archivedAt: now, archivedBy: callerId(ctx), updatedAt: now, directory: ddb.operations.remove() }
    : { archivedAt: ddb.operations.remove(), archivedBy: ddb.operations.remove(), updatedAt: now };
  if (!archive && room.visibility === 'PUBLIC') {
    update.directory = PUBLIC_DIRECTORY;
  }
  return ddb.update({ key: roomKey(room.id), update });
}

export function response(ctx: Context) {
  raiseDataSourceError(ctx);
  return ctx.result;
}

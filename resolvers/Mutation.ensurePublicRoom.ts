/**
 * Backend provisioning (IAM only): creates a public room with a fixed id unless it exists. A second call fails the
 * put's condition, which hands back the stored room, so the call is idempotent and never overwrites.
 */
import { util } from '@aws-appsync/utils';
import type { Context } from '@aws-appsync/utils';
import * as ddb from '@aws-appsync/utils/dynamodb';
import { PUBLIC_DIRECTORY, roomKey } from './lib/keys';
import { raiseDataSourceError } from './lib/context';
import { validRoomName } from './lib/validation';

/** Who "created" provisioned rooms: no user did. */
const SYSTEM_USER = 'system';

export function request(ctx: Context) {
  const id: string = ctx.args.id;
  // No ":" (direct-room ids have one) and nothing a ULID-based id could collide with in practice.
  if (!util.matches('[A-Za-z0-9_-]{1,64}', id)) {
    util.error('Room id must be 1 to 64 letters, digits, "-" or "_"', 'ValidationError');
  }
  const now = util.time.nowISO8601();
  return ddb.put<Record<string, unknown>>({
    key: roomKey(id),
    item: {
      type: 'Room',
      id,
      name: validRoomName(ctx.args.name),
      visibility: 'PUBLIC',
      createdBy: SYSTEM_USER,
      createdAt: now,
      updatedAt: now,
      directory: PUBLIC_DIRECTORY,
    },
    condition: { pk: { attributeExists: false } },
  });
}

export function response(ctx: Context) {
  if (ctx.error && ctx.error.type === 'DynamoDB:ConditionalCheckFailedException' && ctx.result) {
    return ctx.result;
  }
  raiseDataSourceError(ctx);
  return ctx.result;
}

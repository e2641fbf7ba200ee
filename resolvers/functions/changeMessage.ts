/**
 * editMessage (author only; keeps editedAt) and deleteMessage (author or admin): updates the message in place, so
 * its id and place in history stay. A deleted message stays as a tombstone (empty body, no reactions, deletedAt and
 * deletedBy set), so clients and history stay consistent; deleting it again returns it as it is. Every change
 * bumps `version` and takes a fresh `cursor` (the change feed). Runs after loadRoomContext.
 */
import { runtime, util } from '@aws-appsync/utils';
import type { Context } from '@aws-appsync/utils';
import * as ddb from '@aws-appsync/utils/dynamodb';
import { messageKey } from '../lib/keys';
import { callerId } from '../lib/context';
import { toMessage } from '../lib/messages';
import { validBody } from '../lib/validation';

export function request(ctx: Context) {
  const message = ctx.stash.roomContext.message;
  const me = callerId(ctx);
  const now = util.time.nowISO8601();
  const change = { version: ddb.operations.increment(1), cursor: util.autoUlid() };
  if (ctx.info.fieldName === 'editMessage') {
    return ddb.update({
      key: messageKey(message.roomId, message.id),
      update: { ...change, body: validBody(ctx.args.input.body), editedAt: now, change: 'EDITED' },
      condition: { deletedAt: { attributeExists: false } },
    });
  }
  if (message.deletedAt) {
    runtime.earlyReturn(toMessage(message));
  }
  return ddb.update({
    key: messageKey(message.roomId, message.id),
    update: {
      ...change,
      body: '',
      reactions: ddb.operations.replace({}),
      deletedAt: now,
      deletedBy: me,
      change: 'DELETED',
    },
    condition: { deletedAt: { attributeExists: false } },
  });
}

export function response(ctx: Context) {
  if (ctx.error) {
    util.error(
      ctx.error.type === 'DynamoDB:ConditionalCheckFailedException'
        ? 'The message was deleted meanwhile'
        : ctx.error.message,
      ctx.error.type === 'DynamoDB:ConditionalCheckFailedException' ? 'Conflict' : ctx.error.type,
    );
  }
  return toMessage(ctx.result);
}

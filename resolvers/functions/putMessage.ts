/**
 * Stores a message and its idempotency receipt in one transaction. A repeated (room, author, clientMessageId)
 * fails the receipt's condition and answers with the receipt, i.e. the message stored the first time.
 */
import { util } from '@aws-appsync/utils';
import type { Context } from '@aws-appsync/utils';
import { messageKey, receiptKey } from '../lib/keys';
import { callerId, chatTableName } from '../lib/context';

/** Longest message body, in characters. */
const MAX_BODY_LENGTH = 4000;

export function request(ctx: Context) {
  const { roomId, body, clientMessageId } = ctx.args.input;
  if (body.trim().length === 0) {
    util.error('Message body must not be empty', 'ValidationError');
  }
  if (body.length > MAX_BODY_LENGTH) {
    util.error(`Message body is ${body.length} characters; the limit is ${MAX_BODY_LENGTH}`, 'ValidationError');
  }
  const authorId = callerId(ctx);
  const message = {
    id: util.autoUlid(),
    roomId,
    authorId,
    body,
    clientMessageId: clientMessageId ?? util.autoId(),
    createdAt: util.time.nowISO8601(),
  };
  ctx.stash.message = message;
  const table = chatTableName(ctx);
  return {
    operation: 'TransactWriteItems',
    transactItems: [
      {
        table,
        operation: 'PutItem',
        key: util.dynamodb.toMapValues(receiptKey(roomId, authorId, message.clientMessageId)),
        attributeValues: util.dynamodb.toMapValues({ ...message, type: 'MessageReceipt' }),
        condition: { expression: 'attribute_not_exists(pk)', returnValuesOnConditionCheckFailure: true },
      },
      {
        table,
        operation: 'PutItem',
        key: util.dynamodb.toMapValues(messageKey(roomId, message.id)),
        attributeValues: util.dynamodb.toMapValues({ ...message, type: 'Message' }),
      },
    ],
  };
}

export function response(ctx: Context) {
  if (ctx.error) {
    const receipt = ctx.result && ctx.result.cancellationReasons && ctx.result.cancellationReasons[0];
    if (receipt && receipt.type === 'ConditionalCheckFailed' && receipt.item) {
      return receipt.item;
    }
    util.error(ctx.error.message, ctx.error.type);
  }
  return ctx.stash.message;
}

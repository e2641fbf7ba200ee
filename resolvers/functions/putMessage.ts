/**
 * Sends a message (after loadRoomContext): stores it with its idempotency receipt in one transaction, and for a
 * reply counts it on the thread root. A repeated (room, author, clientMessageId) fails the receipt's condition
 * and answers with the receipt: the message as stored the first time.
 */
import { util } from '@aws-appsync/utils';
import type { Context } from '@aws-appsync/utils';
import { changeFeedKey, messageKey, receiptKey, threadKey } from '../lib/keys';
import { callerId, chatTableName, failedConditionOf } from '../lib/context';
import type { StoredMessage } from '../lib/messages';
import { toMessage } from '../lib/messages';
import { validBody, validClientMessageId } from '../lib/validation';

/** How long a receipt answers retries (like Stripe's idempotency keys): DynamoDB's TTL removes it later. */
const RECEIPT_LIFETIME_SECONDS = 24 * 60 * 60;

export function request(ctx: Context) {
  const { roomId, body, clientMessageId, replyToId } = ctx.args.input;
  const authorId = callerId(ctx);
  const id = util.autoUlid();
  const parent: StoredMessage | null = ctx.stash.roomContext.message;
  // One level of threads, as in Slack or Sendbird: a reply to a reply joins the same thread.
  const threadId = parent ? parent.threadId ?? parent.id : null;
  const message: StoredMessage = {
    id,
    roomId,
    authorId,
    body: validBody(body),
    clientMessageId: clientMessageId == null ? util.autoId() : validClientMessageId(clientMessageId),
    createdAt: util.time.nowISO8601(),
    replyToId: replyToId ?? null,
    threadId,
    reactions: {},
    replyCount: 0,
    version: 1,
    cursor: id,
    change: 'CREATED',
  };
  ctx.stash.message = message;
  const table = chatTableName(ctx);
  const transactItems: Record<string, unknown>[] = [
    {
      table,
      operation: 'PutItem',
      key: util.dynamodb.toMapValues(receiptKey(roomId, authorId, message.clientMessageId)),
      // The copy sits under `message`, so the receipt is in none of the message indexes.
      attributeValues: util.dynamodb.toMapValues({
        type: 'MessageReceipt',
        message,
        expiresAt: util.time.nowEpochSeconds() + RECEIPT_LIFETIME_SECONDS,
      }),
      condition: { expression: 'attribute_not_exists(pk)', returnValuesOnConditionCheckFailure: true },
    },
    {
      table,
      operation: 'PutItem',
      key: util.dynamodb.toMapValues(messageKey(roomId, id)),
      attributeValues: util.dynamodb.toMapValues({
        ...message,
        type: 'Message',
        changeFeed: changeFeedKey(roomId),
        ...(threadId === null ? {} : { thread: threadKey(roomId, threadId) }),
      }),
    },
  ];
  if (threadId !== null) {
    transactItems.push({
      table,
      operation: 'UpdateItem',
      key: util.dynamodb.toMapValues(messageKey(roomId, threadId)),
      update: {
        expression:
          'SET #replyCount = #replyCount + :one, #version = #version + :one, #cursor = :cursor, #change = :change',
        expressionNames: {
          '#replyCount': 'replyCount',
          '#version': 'version',
          '#cursor': 'cursor',
          '#change': 'change',
        },
        expressionValues: util.dynamodb.toMapValues({ ':one': 1, ':cursor': util.autoUlid(), ':change': 'REPLIES' }),
      },
      condition: { expression: 'attribute_exists(pk)', returnValuesOnConditionCheckFailure: false },
    });
  }
  return { operation: 'TransactWriteItems', transactItems };
}

export function response(ctx: Context) {
  if (ctx.error) {
    const receipt = failedConditionOf(ctx, 0);
    if (receipt && receipt.item) {
      return toMessage(receipt.item.message as StoredMessage);
    }
    util.error(ctx.error.message, ctx.error.type);
  }
  return toMessage(ctx.stash.message);
}

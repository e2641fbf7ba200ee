/**
 * addReaction / removeReaction (after loadRoomContext): writes or deletes the caller's reaction item (one per
 * user, emoji and message) and moves the message's count for that emoji, in one transaction. Adding a reaction
 * the caller already has, or removing one they don't, changes nothing. getMessage then reads the message back.
 */
import { util } from '@aws-appsync/utils';
import type { Context } from '@aws-appsync/utils';
import { messageKey, reactionKey } from '../lib/keys';
import { callerId, chatTableName, failedConditionOf } from '../lib/context';
import { MAX_REACTION_KINDS, validEmoji } from '../lib/validation';

export function request(ctx: Context) {
  const { roomId, messageId } = ctx.args.input;
  const emoji = validEmoji(ctx.args.input.emoji);
  const adding = ctx.info.fieldName === 'addReaction';
  const counts: Record<string, number> = ctx.stash.roomContext.message.reactions ?? {};
  if (adding && counts[emoji] === undefined && Object.keys(counts).length >= MAX_REACTION_KINDS) {
    util.error(`A message can carry at most ${MAX_REACTION_KINDS} different reactions`, 'ValidationError');
  }
  const userId = callerId(ctx);
  const table = chatTableName(ctx);
  const reaction = util.dynamodb.toMapValues(reactionKey(roomId, messageId, emoji, userId));
  return {
    operation: 'TransactWriteItems',
    transactItems: [
      adding
        ? {
            table,
            operation: 'PutItem',
            key: reaction,
            attributeValues: util.dynamodb.toMapValues({
              type: 'Reaction',
              roomId,
              messageId,
              emoji,
              userId,
              createdAt: util.time.nowISO8601(),
            }),
            condition: { expression: 'attribute_not_exists(pk)', returnValuesOnConditionCheckFailure: false },
          }
        : {
            table,
            operation: 'DeleteItem',
            key: reaction,
            condition: { expression: 'attribute_exists(pk)', returnValuesOnConditionCheckFailure: false },
          },
      {
        table,
        operation: 'UpdateItem',
        key: util.dynamodb.toMapValues(messageKey(roomId, messageId)),
        update: {
          expression:
            'SET #reactions.#emoji = if_not_exists(#reactions.#emoji, :zero) + :delta, ' +
            '#version = #version + :one, #cursor = :cursor, #change = :change',
          expressionNames: {
            '#reactions': 'reactions',
            '#emoji': emoji,
            '#version': 'version',
            '#cursor': 'cursor',
            '#change': 'change',
          },
          expressionValues: util.dynamodb.toMapValues({
            ':zero': 0,
            ':one': 1,
            ':delta': adding ? 1 : -1,
            ':cursor': util.autoUlid(),
            ':change': 'REACTIONS',
          }),
        },
        condition: { expression: 'attribute_not_exists(deletedAt)', returnValuesOnConditionCheckFailure: false },
      },
    ],
  };
}

export function response(ctx: Context) {
  if (ctx.error) {
    if (failedConditionOf(ctx, 1)) {
      util.error('The message was deleted meanwhile', 'Conflict');
    }
    // The reaction was already there (or already gone): nothing changed.
    if (!failedConditionOf(ctx, 0)) {
      util.error(ctx.error.message, ctx.error.type);
    }
  }
  return null;
}

/**
 * The per-user send rate (after loadRoomContext, before putMessage): counts the send in the caller's counter for the
 * current fixed window with one conditional UpdateItem, which DynamoDB applies atomically, so parallel sends can
 * never pass the limit together. A send over the limit is refused with RateLimitExceeded and the seconds until the
 * window ends; the refused update changes nothing. A repeat of a stored clientMessageId is answered here from its
 * receipt: it is neither counted nor refused.
 */
import { runtime, util } from '@aws-appsync/utils';
import type { Context } from '@aws-appsync/utils';
import { sendRateKey } from '../lib/keys';
import { refuseSend, sendRateLimitOf } from '../lib/limits';
import type { StoredMessage } from '../lib/messages';
import { toMessage } from '../lib/messages';
import { validBody } from '../lib/validation';

/** Counter items outlive their window by this much before TTL may remove them. */
const COUNTER_GRACE_SECONDS = 60;

export function request(ctx: Context) {
  const receipt: { message: StoredMessage } | null = ctx.stash.roomContext.receipt;
  if (receipt) {
    runtime.earlyReturn(toMessage(receipt.message), { skipTo: 'END' });
  }
  // Checked before counting, so that an invalid send costs nothing.
  validBody(ctx.args.input.body);
  const limit = sendRateLimitOf(ctx);
  if (limit.messages === 0) {
    runtime.earlyReturn(ctx.prev.result);
  }
  const now = util.time.nowEpochMilliSeconds();
  const windowMs = limit.windowSeconds * 1000;
  const windowStart = now - (now % windowMs);
  ctx.stash.sendRate = { windowEnd: windowStart + windowMs, now, messages: limit.messages, windowSeconds: limit.windowSeconds };
  const names = { '#count': 'count' };
  return {
    operation: 'UpdateItem',
    key: util.dynamodb.toMapValues(sendRateKey(ctx.stash.roomContext.callerId, windowStart / 1000)),
    update: {
      expression: 'SET #count = if_not_exists(#count, :zero) + :one, #type = :type, #expiresAt = :expiresAt',
      expressionNames: { ...names, '#type': 'type', '#expiresAt': 'expiresAt' },
      expressionValues: util.dynamodb.toMapValues({
        ':zero': 0,
        ':one': 1,
        ':type': 'SendRateCounter',
        ':expiresAt': (windowStart + windowMs) / 1000 + COUNTER_GRACE_SECONDS,
      }),
    },
    condition: {
      expression: 'attribute_not_exists(#count) OR #count < :limit',
      expressionNames: names,
      expressionValues: util.dynamodb.toMapValues({ ':limit': limit.messages }),
    },
  };
}

export function response(ctx: Context) {
  if (ctx.error) {
    if (ctx.error.type === 'DynamoDB:ConditionalCheckFailedException') {
      const { windowEnd, now, messages, windowSeconds } = ctx.stash.sendRate;
      refuseSend(`You can send ${messages} messages per ${windowSeconds} s`, windowEnd - now, 'SEND_RATE');
    }
    util.error(ctx.error.message, ctx.error.type);
  }
  return ctx.prev.result;
}

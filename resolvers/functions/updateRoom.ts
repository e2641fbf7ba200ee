/** Renames a room, changes its topic (an empty topic removes it) or its slow mode. Runs after loadRoomContext. */
import { util } from '@aws-appsync/utils';
import type { Context } from '@aws-appsync/utils';
import * as ddb from '@aws-appsync/utils/dynamodb';
import { roomKey } from '../lib/keys';
import { raiseDataSourceError } from '../lib/context';
import { validSlowModeSeconds } from '../lib/limits';
import { validRoomName, validTopic } from '../lib/validation';

export function request(ctx: Context) {
  const { roomId, name, topic, slowModeSeconds } = ctx.args.input;
  if (name == null && topic == null && slowModeSeconds == null) {
    util.error('Give a name, a topic or slowModeSeconds', 'ValidationError');
  }
  const update: Record<string, unknown> = { updatedAt: util.time.nowISO8601() };
  if (name != null) {
    update.name = validRoomName(name);
  }
  if (topic != null) {
    const valid = validTopic(topic);
    update.topic = valid === null ? ddb.operations.remove() : valid;
  }
  if (slowModeSeconds != null) {
    update.slowModeSeconds = validSlowModeSeconds(slowModeSeconds);
  }
  return ddb.update({ key: roomKey(roomId), update, condition: { pk: { attributeExists: true } } });
}

export function response(ctx: Context) {
  raiseDataSourceError(ctx);
  return ctx.result;
}

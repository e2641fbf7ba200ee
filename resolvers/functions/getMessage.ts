/** Reads the operation's message (named by `messageId` or `input.messageId`, see loadRoomContext), consistently. */
import { util } from '@aws-appsync/utils';
import type { Context } from '@aws-appsync/utils';
import * as ddb from '@aws-appsync/utils/dynamodb';
import { messageKey } from '../lib/keys';
import { raiseDataSourceError } from '../lib/context';
import { toMessage } from '../lib/messages';

export function request(ctx: Context) {
  return ddb.get({ key: messageKey(ctx.stash.room.id, ctx.stash.roomContext.messageId), consistentRead: true });
}

export function response(ctx: Context) {
  raiseDataSourceError(ctx);
  if (!ctx.result) {
    util.error('The message no longer exists', 'NotFound');
  }
  return toMessage(ctx.result);
}

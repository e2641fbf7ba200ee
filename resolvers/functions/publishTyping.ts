/** Typing indicators (after loadRoomContext): NONE data source, nothing stored; `onTyping` subscribers get it. */
import { util } from '@aws-appsync/utils';
import type { Context } from '@aws-appsync/utils';
import { callerId } from '../lib/context';

export function request(ctx: Context) {
  return {
    payload: {
      roomId: ctx.stash.room.id,
      userId: callerId(ctx),
      typing: ctx.args.typing ?? true,
      at: util.time.nowISO8601(),
    },
  };
}

export function response(ctx: Context) {
  return ctx.result;
}

/**
 * `history`: a page of a room's messages through the chat API (joined members only) — the newest first, or with
 * `after` (a Message.cursor) the messages changed since then in change order, which is how a client that was
 * offline catches up on what pushes it missed.
 */
import { chatApiFromEnvironment } from '../shared/chat-api.js';
import { HistoryRequest } from '../shared/protocol.js';
import { messageRoute } from './route.js';

export const handler = messageRoute('history', HistoryRequest, async ({ roomId, limit, nextToken, after }, caller) => {
  const api = chatApiFromEnvironment();
  const page = { ...(limit === undefined ? {} : { limit }), ...(nextToken === undefined ? {} : { nextToken }) };
  if (after === undefined) {
    const newest = await api.messages(caller.userId, roomId, page);
    return { type: 'history', roomId, items: newest.items, nextToken: newest.nextToken };
  }
  const changed = await api.messagesSince(caller.userId, roomId, after, page);
  return { type: 'history', roomId, after, items: changed.items, nextToken: changed.nextToken };
});

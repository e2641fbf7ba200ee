/**
 * `typing`: signals through the chat API's `sendTyping` (which checks that the user is a joined, unmuted member and
 * publishes to GraphQL `onTyping` subscribers), then pushes the event to the raw connections of the room's other
 * joined members. Typing is not stored, so no stream record carries it: the route delivers it itself. A push that
 * fails is only logged — the signal is stale seconds later anyway.
 */
import { chatApiFromEnvironment } from '../shared/chat-api.js';
import { connectionStoreFromEnvironment } from '../shared/connection-store.js';
import { TypingRequest } from '../shared/protocol.js';
import { pusherFromEnvironment } from '../shared/pusher.js';
import { messageRoute } from './route.js';

export const handler = messageRoute('typing', TypingRequest, async ({ roomId, typing }, caller) => {
  const event = await chatApiFromEnvironment().sendTyping(caller.userId, roomId, typing);
  const recipients = await connectionStoreFromEnvironment().recipientsInRoom(roomId, Math.floor(Date.now() / 1000));
  const others = recipients.filter((recipient) => recipient.userId !== caller.userId).map((recipient) => recipient.connectionId);
  await pusherFromEnvironment().pushToAll(others, { type: 'typing', ...event });
  return { type: 'typingSent', event };
});

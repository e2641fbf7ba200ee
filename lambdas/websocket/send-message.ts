/**
 * `sendmessage`: posts a message through the chat API's `sendMessage`, as the connection's user — the same write
 * path as a GraphQL client's, so the API's rules apply and AppSync feeds its subscribers. The message reaches raw
 * WebSocket clients (the sender's other connections included) from the table's stream.
 *
 * `{"action":"sendmessage","message":"hello"}` — the AWS tutorial's message, verbatim — goes to the lobby. With
 * `roomId` it goes to that room; with `clientMessageId` a repeat returns the message stored the first time. A send
 * over the user's rate or a room's slow mode gets an `error` frame of type `RateLimitExceeded` with `retryAfter`.
 */
import { chatApiFromEnvironment, type ChatApi, type ChatMessage, type SendMessageInput } from '../shared/chat-api.js';
import { GraphqlRequestError } from '../shared/errors.js';
import { countMetric } from '../shared/powertools.js';
import { LOBBY, SendMessageRequest } from '../shared/protocol.js';
import { messageRoute } from './route.js';

export const handler = messageRoute('sendmessage', SendMessageRequest, async (request, caller) => {
  const input: SendMessageInput = {
    roomId: request.roomId ?? LOBBY.id,
    body: request.message,
    ...(request.clientMessageId === undefined ? {} : { clientMessageId: request.clientMessageId }),
    ...(request.replyToId === undefined ? {} : { replyToId: request.replyToId }),
  };
  let message: ChatMessage;
  try {
    message = await send(chatApiFromEnvironment(), caller.userId, input);
  } catch (error) {
    const retryAfter = error instanceof GraphqlRequestError && error.status === 200 ? error.retryAfter : undefined;
    if (!(error instanceof GraphqlRequestError) || retryAfter === undefined) throw error;
    // Sent too fast: the same error type as GraphQL clients get, with when to retry.
    countMetric('MessagesThrottled');
    return { type: 'error', action: 'sendmessage', error: { type: error.errorType, message: error.firstMessage, retryAfter } };
  }
  countMetric('MessagesBridged');
  return { type: 'sent', message };
});

/** How the API refuses a send to a room that does not exist, or by a user who is not in it. */
const NOT_IN_ROOM = new Set(['NotFound', 'Unauthorized']);

/**
 * Sends; a lobby send the API refuses because the lobby does not exist yet or the user is not in it first creates
 * the lobby and joins the user — both idempotent — then sends again. Trying first keeps the usual case to one API
 * call; a refusal for another reason (a ban, a mute) comes back from joinRoom or from the second attempt.
 */
async function send(api: ChatApi, userId: string, input: SendMessageInput): Promise<ChatMessage> {
  try {
    return await api.sendMessage(userId, input);
  } catch (error) {
    const notInLobby = input.roomId === LOBBY.id && error instanceof GraphqlRequestError && NOT_IN_ROOM.has(error.errorType);
    if (!notInLobby) throw error;
  }
  await api.ensurePublicRoom(userId, LOBBY.id, LOBBY.name);
  await api.joinRoom(userId, LOBBY.id);
  countMetric('LobbyJoins');
  return api.sendMessage(userId, input);
}

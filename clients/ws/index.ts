/**
 * wavechat's raw WebSocket client: typed requests and pushes, reconnect with backoff, catch-up after drops.
 * Runs in browsers (global WebSocket) and Node (pass `WebSocket` from `ws`). Protocol: docs/websocket-protocol.md.
 */
export {
  connectChat,
  ChatClient,
  type ChatClientEvents,
  type ConnectChatOptions,
  type ConnectionState,
  type HistoryOptions,
  type HistoryPage,
  type SendOptions,
  type TokenSource,
  type WebSocketConstructor,
  type WebSocketLike,
} from './chat-client.js';
export { backoffDelay, type BackoffOptions } from './backoff.js';
export { cursorAt, START_CURSOR } from './cursor.js';
export {
  ChatClientError,
  ChatClosedError,
  ChatConnectError,
  ChatConnectionLostError,
  ChatRequestError,
  ChatRequestTimeoutError,
  NoWebSocketError,
} from './errors.js';
export type { ChatMessage, Membership, TypingEvent } from '../../lambdas/shared/chat-api.js';

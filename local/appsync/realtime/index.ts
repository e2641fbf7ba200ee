/** The AppSync real-time (subscriptions) WebSocket endpoint: protocol, `ws` adapter and the engine contract. */
export {
  attachRealtime,
  DEFAULT_MAX_SUBSCRIPTIONS_PER_CONNECTION,
  type RealtimeOptions,
  type RealtimeServer,
} from './server.js';
export {
  RealtimeConnection,
  CloseCode,
  type ConnectionSettings,
  type Handshake,
  type RealtimeTransport,
} from './connection.js';
export * from './protocol.js';
export type { RealtimeBackend, StartResult, SubscriptionSink, SubscriptionStartRequest } from './types.js';
export { HandshakeAuthorizationError, RealtimeOptionsError } from './errors.js';

/** The contract between the real-time transport (this folder) and the engine that runs subscriptions. */
import type { AuthRequest, Authentication } from '../auth/types.js';

/**
 * What the transport needs from the engine. The transport speaks the wire protocol (handshake, frames, keep-alive);
 * the engine authenticates, validates, authorises and fans out.
 */
export interface RealtimeBackend {
  /**
   * Connect-time or start-time authentication. Throw to refuse; the error's `message` is sent to the client, and a
   * string `errorType` property on the error (e.g. `'UnauthorizedException'`) replaces the default error type.
   */
  authenticate(request: AuthRequest): Promise<Authentication>;
  /**
   * Validate, authorise and register a subscription. `data` is `payload.data` of the `start` message: a JSON string
   * `{query, variables}`. The sink may be used as soon as this is called; pushes made before the transport has sent
   * `start_ack` are held back and delivered right after it.
   */
  start(request: SubscriptionStartRequest): Promise<StartResult>;
  /** The client sent `stop` for a subscription that `start` accepted. */
  stop(connectionId: string, subscriptionId: string): void;
  /** The socket is gone: drop all of its subscriptions. */
  disconnect(connectionId: string): void;
}

export interface SubscriptionStartRequest {
  /** Unique per WebSocket connection; subscription ids are only unique within one connection. */
  readonly connectionId: string;
  /** The client's id for this subscription (Amplify: a UUID, re-used when it re-subscribes after a reconnect). */
  readonly subscriptionId: string;
  /** `payload.data` exactly as sent: a JSON string `{query, variables}`. */
  readonly data: string;
  /** Who is subscribing: from `payload.extensions.authorization`, else the connection's own authentication. */
  readonly auth: Authentication;
  /** The authorization headers the caller was authenticated with (names as sent). */
  readonly headers: Readonly<Record<string, string>>;
  readonly sink: SubscriptionSink;
}

/** Where the engine delivers events for one subscription. Calls after the subscription ended are ignored. */
export interface SubscriptionSink {
  /** Delivers one event; `data` becomes `{"type":"data","id":…,"payload":{"data":data}}`. */
  next(data: unknown): void;
  /** The server ended the subscription (invalidation). The engine has already forgotten it; `stop` is not called. */
  close(): void;
}

/** `errors` go to the client as the `payload.errors` of an `error` frame. */
export type StartResult = { readonly ok: true } | { readonly ok: false; readonly errors: readonly Record<string, unknown>[] };

/**
 * The AppSync real-time WebSocket protocol (`graphql-ws` as AppSync and aws-amplify v6 speak it), written down once.
 *
 * Sources: "Building a real-time WebSocket client in AWS AppSync"
 * (https://docs.aws.amazon.com/appsync/latest/devguide/real-time-websocket-client.html) and aws-amplify v6
 * (`@aws-amplify/api-graphql` `src/Providers/constants.ts` `MESSAGE_TYPES`, `AWSWebSocketProvider/index.ts`).
 * Frames are built here with the key order AppSync uses, so the server and the tests agree byte for byte.
 */

/** The subprotocol the server must select; a client that does not offer it gets a `connection_error`. */
export const GRAPHQL_WS_SUBPROTOCOL = 'graphql-ws';
/** Prefix of the second subprotocol, which carries the handshake authorization as base64url JSON. */
export const AUTH_SUBPROTOCOL_PREFIX = 'header-';
/** Path suffix Amplify appends to a custom (non-`appsync-api`) endpoint: `/graphql` → `/graphql/realtime`. */
export const REALTIME_PATH_SUFFIX = '/realtime';

/** Messages a client sends. */
export enum ClientMessageType {
  ConnectionInit = 'connection_init',
  Start = 'start',
  Stop = 'stop',
}

/** Messages the server sends. */
export enum ServerMessageType {
  ConnectionAck = 'connection_ack',
  ConnectionError = 'connection_error',
  KeepAlive = 'ka',
  StartAck = 'start_ack',
  Data = 'data',
  Error = 'error',
  Complete = 'complete',
}

/** `errorType` values in `error` / `connection_error` frames. */
export enum RealtimeErrorType {
  /** Authentication refused. Amplify treats it as final (no retry) and, on a subscription, closes the socket. */
  Unauthorized = 'UnauthorizedException',
  /** Undecodable handshake authorization or an unparseable message. */
  BadRequest = 'BadRequestException',
  /**
   * Unknown message type, or a `start` without a `payload.data` string. AppSync answers the latter with
   * `"unknown not supported through the realtime channel"` (seen in the wild for a start carrying `payload.query`).
   */
  UnsupportedOperation = 'UnsupportedOperation',
  /** A `start` whose id is already in use on the connection (errorType seen in Amplify apps' error handling). */
  DuplicatedOperation = 'DuplicatedOperationError',
  /** A `start` over the connection's subscription quota (AppSync: 100 per connection, adjustable). */
  MaxSubscriptionsReached = 'MaxSubscriptionsReachedError',
  /** The engine failed unexpectedly while starting a subscription. */
  InternalFailure = 'InternalFailure',
}

/** `message` of the `connection_error` AppSync sends when the `graphql-ws` subprotocol is missing or wrong. */
export enum SubprotocolErrorMessage {
  NoProtocol = 'NoProtocolError',
  NotSupported = 'SubProtocolNotSupportedError',
}

/** Amplify only stops retrying a connect on these codes (or on Unauthorized/BadRequest error types). */
export const UNAUTHORIZED_ERROR_CODE = 401;
export const BAD_REQUEST_ERROR_CODE = 400;

/** One entry of `payload.errors`. */
export interface RealtimeError {
  readonly errorType?: string;
  readonly message: string;
  readonly errorCode?: number;
  readonly [key: string]: unknown;
}

export interface ConnectionAckFrame {
  readonly type: ServerMessageType.ConnectionAck;
  readonly payload: { readonly connectionTimeoutMs: number };
}
export interface ConnectionErrorFrame {
  readonly payload: { readonly errors: readonly RealtimeError[] };
  readonly type: ServerMessageType.ConnectionError;
}
export interface KeepAliveFrame {
  readonly type: ServerMessageType.KeepAlive;
}
export interface StartAckFrame {
  readonly type: ServerMessageType.StartAck;
  readonly id: string;
}
export interface DataFrame {
  readonly type: ServerMessageType.Data;
  readonly id: string;
  readonly payload: { readonly data: unknown };
}
export interface ErrorFrame {
  readonly type: ServerMessageType.Error;
  /** Absent when the offending message had no usable id. */
  readonly id?: string;
  readonly payload: { readonly errors: readonly Readonly<Record<string, unknown>>[] };
}
/** The one `error` frame whose `errors` is an object rather than a list, as AppSync sends it. */
export interface MaxSubscriptionsReachedFrame {
  readonly type: ServerMessageType.Error;
  readonly id: string;
  readonly payload: { readonly errors: { readonly errorType: string; readonly message: string } };
}
export interface CompleteFrame {
  readonly type: ServerMessageType.Complete;
  readonly id: string;
}
export type ServerFrame =
  | ConnectionAckFrame
  | ConnectionErrorFrame
  | KeepAliveFrame
  | StartAckFrame
  | DataFrame
  | ErrorFrame
  | MaxSubscriptionsReachedFrame
  | CompleteFrame;

/** `{"type":"connection_ack","payload":{"connectionTimeoutMs":300000}}` */
export function connectionAckFrame(connectionTimeoutMs: number): ConnectionAckFrame {
  return { type: ServerMessageType.ConnectionAck, payload: { connectionTimeoutMs } };
}

/** `{"payload":{"errors":[…]},"type":"connection_error"}` (payload first, as AppSync sends it). */
export function connectionErrorFrame(errors: readonly RealtimeError[]): ConnectionErrorFrame {
  return { payload: { errors }, type: ServerMessageType.ConnectionError };
}

/** `{"type":"ka"}` */
export function keepAliveFrame(): KeepAliveFrame {
  return { type: ServerMessageType.KeepAlive };
}

/** `{"type":"start_ack","id":…}` */
export function startAckFrame(id: string): StartAckFrame {
  return { type: ServerMessageType.StartAck, id };
}

/** `{"type":"data","id":…,"payload":{"data":…}}` */
export function dataFrame(id: string, data: unknown): DataFrame {
  return { type: ServerMessageType.Data, id, payload: { data } };
}

/** `{"type":"error","id":…,"payload":{"errors":[…]}}`; without `id` when the message had none. */
export function errorFrame(id: string | undefined, errors: readonly Readonly<Record<string, unknown>>[]): ErrorFrame {
  return id === undefined
    ? { type: ServerMessageType.Error, payload: { errors } }
    : { type: ServerMessageType.Error, id, payload: { errors } };
}

/**
 * `{"type":"error","id":…,"payload":{"errors":{"errorType":"MaxSubscriptionsReachedError","message":"Max number of 100
 * subscriptions reached"}}}`: a `start` over the connection's quota. The quota ("Subscriptions per connection", 100,
 * adjustable) is on "AWS AppSync endpoints and quotas" (https://docs.aws.amazon.com/general/latest/gr/appsync.html);
 * the frame is not documented. Its errorType and message are as aws-amplify/amplify-js#8370 (2021) quotes them, and
 * there — as in aws-appsync-realtime-client-ios PR #67 and its MaxSubscriptionsReachedError tests — `errors` is one
 * object, not a list. The connection and its other subscriptions stay up.
 */
export function maxSubscriptionsReachedFrame(id: string, limit: number): MaxSubscriptionsReachedFrame {
  return {
    type: ServerMessageType.Error,
    id,
    payload: {
      errors: {
        errorType: RealtimeErrorType.MaxSubscriptionsReached,
        message: `Max number of ${limit} subscriptions reached`,
      },
    },
  };
}

/**
 * `{"type":"complete","id":…}`: the reply to `stop`, and also what a subscription the server ended receives.
 *
 * Invalidation (`extensions.invalidateSubscriptions`): AWS's "Unsubscribing WebSocket connections using filters in
 * AWS AppSync" (https://docs.aws.amazon.com/appsync/latest/devguide/aws-appsync-real-time-invalidation.html, found
 * with the docs search for "invalidateSubscriptions unsubscribe") says AppSync "forcibly unsubscribe[s] and close[s]"
 * the matching subscriptions but shows no frame. aws-amplify/amplify-js PR #9898 ("Allow for complete messages to
 * be captured in a subscription", 2022, never merged; found in the issues search) was opened because that
 * unsubscription reaches the client as a `complete` message which Amplify drops. So an invalidated subscription gets
 * `complete` with its id and nothing more; the socket and the connection's other subscriptions stay up. Amplify v6
 * still has no `complete` handler: its subscriber just stops receiving data.
 */
export function completeFrame(id: string): CompleteFrame {
  return { type: ServerMessageType.Complete, id };
}

/** A `start` message as Amplify sends it (keys in Amplify's order: id, payload, type). */
export interface StartMessage {
  readonly id: string;
  readonly payload: {
    /** JSON string `{"query": …, "variables": …}`. */
    readonly data: string;
    readonly extensions?: { readonly authorization?: Readonly<Record<string, string>> };
  };
  readonly type: ClientMessageType.Start;
}

/** Builds a `start` message; `authorization` goes to `payload.extensions.authorization`. */
export function startMessage(
  id: string,
  request: { readonly query: string; readonly variables?: Readonly<Record<string, unknown>> },
  authorization?: Readonly<Record<string, string>>,
): StartMessage {
  const data = JSON.stringify({ query: request.query, variables: request.variables ?? {} });
  return {
    id,
    payload: authorization === undefined ? { data } : { data, extensions: { authorization } },
    type: ClientMessageType.Start,
  };
}

/** `{"type":"connection_init"}` */
export function connectionInitMessage(): { readonly type: ClientMessageType.ConnectionInit } {
  return { type: ClientMessageType.ConnectionInit };
}

/** `{"id":…,"type":"stop"}` */
export function stopMessage(id: string): { readonly id: string; readonly type: ClientMessageType.Stop } {
  return { id, type: ClientMessageType.Stop };
}

/**
 * The `header-…` subprotocol for an authorization object: base64url of its JSON, no padding (Amplify's encoding:
 * `btoa(json)` with `+`→`-`, `/`→`_`, `=` stripped).
 */
export function encodeAuthSubprotocol(authorization: Readonly<Record<string, string>>): string {
  return AUTH_SUBPROTOCOL_PREFIX + Buffer.from(JSON.stringify(authorization), 'utf8').toString('base64url');
}

/**
 * The `?header=…&payload=…` query of the older handshake form (early Amplify v6, many hand-written clients): standard
 * base64 of the authorization JSON and of the payload `{}`, not URL-encoded.
 */
export function encodeAuthQuery(authorization: Readonly<Record<string, string>>, payload = '{}'): string {
  const header = Buffer.from(JSON.stringify(authorization), 'utf8').toString('base64');
  return `header=${header}&payload=${Buffer.from(payload, 'utf8').toString('base64')}`;
}

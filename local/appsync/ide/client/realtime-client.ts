/**
 * A subscription over the AppSync real-time protocol from the browser, as aws-amplify v6 opens one: `graphql-ws`
 * plus the `header-…` subprotocol carrying the authorization, `connection_init`, then `start` with the same
 * authorization in `payload.extensions`. One socket per subscription keeps it simple; `stop` and close end it.
 */
import {
  AUTH_SUBPROTOCOL_PREFIX,
  GRAPHQL_WS_SUBPROTOCOL,
  ServerMessageType,
  connectionInitMessage,
  startMessage,
  stopMessage,
  type ServerFrame,
} from '../../realtime/protocol.js';
import { browser, type BrowserWebSocket } from './browser.js';

/** One payload shown in the response pane. */
export interface SubscriptionResult {
  readonly data?: unknown;
  readonly errors?: readonly unknown[];
}

export interface SubscriptionObserver {
  next(result: SubscriptionResult): void;
  complete(): void;
}

/** Where a subscription stands, for the status line. */
export type SubscriptionState = 'connecting' | 'subscribed' | 'ended';

export interface SubscriptionRequest {
  /** e.g. `wss://127.0.0.1:4000/graphql/realtime` */
  readonly url: string;
  /** The GraphQL endpoint's `host` (with port), which the authorization object names. */
  readonly host: string;
  /** e.g. `{ Authorization: <access token> }` or `{ 'x-api-key': … }` */
  readonly headers: Readonly<Record<string, string>>;
  readonly query: string;
  readonly variables?: Readonly<Record<string, unknown>>;
  readonly onState?: (state: SubscriptionState) => void;
}

/** Normal closure, sent when the user stops the subscription. */
const NORMAL_CLOSURE = 1000;

/**
 * Opens the socket and starts the subscription; results (data, or the errors that ended it) go to `observer`.
 *
 * @example
 * ```ts
 * const stop = subscribe({ url, host, headers: { Authorization: token }, query }, { next: show, complete: done });
 * stop();
 * ```
 */
export function subscribe(request: SubscriptionRequest, observer: SubscriptionObserver): () => void {
  const authorization = { host: request.host, ...request.headers };
  const id = `ide-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
  const socket: BrowserWebSocket = new browser.WebSocket(request.url, [
    GRAPHQL_WS_SUBPROTOCOL,
    AUTH_SUBPROTOCOL_PREFIX + base64Url(JSON.stringify(authorization)),
  ]);
  let ended = false;
  let started = false;
  const end = (errors?: readonly unknown[]): void => {
    if (ended) return;
    ended = true;
    if (errors) observer.next({ errors });
    observer.complete();
    request.onState?.('ended');
    if (socket.readyState === browser.WebSocket.OPEN) socket.close(NORMAL_CLOSURE);
  };
  request.onState?.('connecting');
  socket.onopen = () => socket.send(JSON.stringify(connectionInitMessage()));
  socket.onmessage = (event) => {
    const frame = parseFrame(event.data);
    if (!frame) return;
    switch (frame.type) {
      case ServerMessageType.ConnectionAck:
        socket.send(
          JSON.stringify(startMessage(id, { query: request.query, variables: request.variables }, authorization)),
        );
        return;
      case ServerMessageType.StartAck:
        started = true;
        request.onState?.('subscribed');
        return;
      case ServerMessageType.Data:
        if (!ended) observer.next(frame.payload as SubscriptionResult);
        return;
      case ServerMessageType.Error:
      case ServerMessageType.ConnectionError: {
        // One AppSync error (MaxSubscriptionsReachedError) carries a single object instead of a list.
        const errors: readonly unknown[] | object = frame.payload.errors;
        end(Array.isArray(errors) ? errors : [errors]);
        return;
      }
      case ServerMessageType.Complete:
        end();
        return;
      case ServerMessageType.KeepAlive:
        return;
    }
  };
  socket.onclose = (event) => {
    const reason = event.reason ? `: ${event.reason}` : '';
    end([{ message: `The real-time connection closed (code ${event.code}${reason}).` }]);
  };
  return () => {
    if (ended) return;
    if (started && socket.readyState === browser.WebSocket.OPEN) socket.send(JSON.stringify(stopMessage(id)));
    end();
  };
}

function parseFrame(data: unknown): ServerFrame | undefined {
  try {
    const frame = JSON.parse(String(data)) as ServerFrame;
    return typeof frame === 'object' && frame !== null ? frame : undefined;
  } catch {
    return undefined;
  }
}

/** base64url without padding of the UTF-8 text, as Amplify encodes the `header-` subprotocol. */
function base64Url(text: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

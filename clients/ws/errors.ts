/** Errors of the raw-WebSocket chat client. Every one is a {@link ChatClientError}. */

export class ChatClientError extends Error {
  override readonly name: string = 'ChatClientError';
}

/** The server answered a request with an `error` frame: `type` is the protocol's error type (`NotFound`, …). */
export class ChatRequestError extends ChatClientError {
  override readonly name = 'ChatRequestError';

  constructor(
    /** The request's action (`sendmessage`, `joinroom`, …). */
    readonly action: string,
    /** `BadRequest`, `Unauthorized`, `NotFound`, `ValidationError`, `Conflict` or `InternalError`. */
    readonly type: string,
    message: string,
    readonly requestId: string,
  ) {
    super(`${action} failed (${type}): ${message}`);
  }
}

/** The connection could not be opened: a refused token (401), a wrong URL, an unreachable server. */
export class ChatConnectError extends ChatClientError {
  override readonly name = 'ChatConnectError';

  constructor(
    readonly url: string,
    /** What the WebSocket implementation said, when it said anything (browsers say nothing). */
    readonly reason: string | undefined,
  ) {
    super(`Could not connect to ${url}${reason === undefined ? '' : `: ${reason}`}`);
  }
}

/** No reply came within the request timeout, across reconnects. */
export class ChatRequestTimeoutError extends ChatClientError {
  override readonly name = 'ChatRequestTimeoutError';

  constructor(
    readonly action: string,
    readonly timeoutMs: number,
  ) {
    super(`No reply to ${action} within ${timeoutMs} ms`);
  }
}

/** The client was closed (or gave up reconnecting) before the request was answered. */
export class ChatClosedError extends ChatClientError {
  override readonly name = 'ChatClosedError';

  constructor(readonly action: string) {
    super(`The chat client is closed; ${action} was not answered`);
  }
}

/** A request the client makes for itself (catch-up) was cut by a lost connection; the next connection redoes it. */
export class ChatConnectionLostError extends ChatClientError {
  override readonly name = 'ChatConnectionLostError';

  constructor(readonly action: string) {
    super(`The connection closed before ${action} was answered`);
  }
}

/** Neither the options nor the environment provide a WebSocket implementation (Node 20 has no global one). */
export class NoWebSocketError extends ChatClientError {
  override readonly name = 'NoWebSocketError';

  constructor() {
    super("No WebSocket implementation: pass one, e.g. connectChat({ url, token, WebSocket }) with `import { WebSocket } from 'ws'`");
  }
}

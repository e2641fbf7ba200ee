/** Errors thrown by the real-time endpoint. */

/** The handshake's authorization (`header-` subprotocol or `?header=` query) is not base64 of a JSON object. */
export class HandshakeAuthorizationError extends Error {
  override readonly name = 'HandshakeAuthorizationError';

  constructor(
    readonly source: 'subprotocol' | 'query',
    reason: string,
  ) {
    super(`The ${source === 'subprotocol' ? 'header- subprotocol' : 'header query parameter'} is invalid: ${reason}`);
  }
}

/** `attachRealtime` was given options it cannot work with. */
export class RealtimeOptionsError extends Error {
  override readonly name = 'RealtimeOptionsError';
}

/**
 * Reading the WebSocket upgrade request: where a client puts its Cognito token and which subprotocols it offers.
 *
 * Browsers cannot set headers on `new WebSocket(url, protocols)`, so a token comes either in the query
 * (`?token=<JWT>`) or as one of the offered subprotocols (`new WebSocket(url, ['wavechat', token])`); in the latter
 * case `$connect` must echo `wavechat` or the browser fails the handshake.
 */
import { SUBPROTOCOL } from '../shared/protocol.js';

type Headers = Readonly<Record<string, string>> | null | undefined;

/** A header's value whatever its case (API Gateway keeps the client's casing: browsers and `ws` differ). */
export function headerValue(headers: Headers, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers ?? {})) if (key.toLowerCase() === wanted) return value;
  return undefined;
}

/** The offered subprotocols, in the client's order. */
export function offeredSubprotocols(headers: Headers): string[] {
  const header = headerValue(headers, 'Sec-WebSocket-Protocol');
  if (header === undefined) return [];
  return header
    .split(',')
    .map((protocol) => protocol.trim())
    .filter((protocol) => protocol !== '');
}

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** The token from `?token=`, else the first offered subprotocol shaped like a JWT. */
export function handshakeToken(request: { readonly headers?: Headers; readonly queryStringParameters?: Headers }): string | undefined {
  const fromQuery = request.queryStringParameters?.token;
  if (fromQuery !== undefined && fromQuery !== '') return fromQuery;
  return offeredSubprotocols(request.headers).find((protocol) => protocol !== SUBPROTOCOL && JWT_SHAPE.test(protocol));
}

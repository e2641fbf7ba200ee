/**
 * Reading the WebSocket upgrade request: which subprotocols were offered and where the connect authorization is.
 *
 * AppSync accepts the authorization three ways ([AWS-RT] "Handshake details"): base64url JSON in a `header-…`
 * subprotocol (current Amplify v6), base64 JSON in a `?header=…&payload=…` query (early v6 and older clients), or as
 * plain headers on the upgrade request.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { HandshakeAuthorizationError } from './errors.js';
import { AUTH_SUBPROTOCOL_PREFIX, GRAPHQL_WS_SUBPROTOCOL, SubprotocolErrorMessage } from './protocol.js';

/** The connect authorization as the client signed it: canonical path `<graphqlPath>/connect`, method POST. */
export interface HandshakeAuthorization {
  readonly headers: Readonly<Record<string, string>>;
  /** `{}` (the `payload` of the query form when given, since that is what was signed). */
  readonly body: string;
}

/** Headers that belong to the WebSocket upgrade itself, never to authorization. */
const UPGRADE_HEADERS = new Set([
  'connection',
  'upgrade',
  'sec-websocket-key',
  'sec-websocket-version',
  'sec-websocket-extensions',
  'sec-websocket-protocol',
]);

/** The subprotocols offered in `Sec-WebSocket-Protocol`, in order. */
export function offeredSubprotocols(headers: IncomingHttpHeaders): string[] {
  const header = headers['sec-websocket-protocol'];
  if (!header) return [];
  return header
    .split(',')
    .map((protocol) => protocol.trim())
    .filter((protocol) => protocol !== '');
}

/** Why the offered subprotocols are refused, or undefined when `graphql-ws` is among them. */
export function subprotocolProblem(offered: readonly string[]): SubprotocolErrorMessage | undefined {
  if (offered.includes(GRAPHQL_WS_SUBPROTOCOL)) return undefined;
  return offered.length === 0 ? SubprotocolErrorMessage.NoProtocol : SubprotocolErrorMessage.NotSupported;
}

/** The path part of a request target (`/graphql/realtime?header=…` → `/graphql/realtime`). */
export function requestPath(url: string | undefined): string {
  const target = url ?? '/';
  const queryStart = target.indexOf('?');
  return queryStart === -1 ? target : target.slice(0, queryStart);
}

/**
 * The connect authorization of an upgrade request, from the `header-` subprotocol, else the `header` query
 * parameter, else the plain request headers.
 *
 * @throws HandshakeAuthorizationError when the subprotocol or query value is not base64 of a flat JSON object.
 */
export function readHandshakeAuthorization(
  url: string | undefined,
  headers: IncomingHttpHeaders,
  offered: readonly string[],
): HandshakeAuthorization {
  const subprotocol = offered.find((protocol) => protocol.startsWith(AUTH_SUBPROTOCOL_PREFIX));
  if (subprotocol !== undefined) {
    const encoded = subprotocol.slice(AUTH_SUBPROTOCOL_PREFIX.length);
    return { headers: decodeAuthorization(encoded, 'base64url', 'subprotocol'), body: '{}' };
  }

  const query = rawQueryParameters(url);
  const header = query.get('header');
  if (header !== undefined) {
    const payload = query.get('payload');
    return {
      headers: decodeAuthorization(header, 'base64', 'query'),
      body: payload === undefined ? '{}' : Buffer.from(payload, 'base64').toString('utf8'),
    };
  }

  return { headers: plainHeaders(headers), body: '{}' };
}

function decodeAuthorization(
  encoded: string,
  encoding: 'base64' | 'base64url',
  source: 'subprotocol' | 'query',
): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(encoded, encoding).toString('utf8'));
  } catch {
    throw new HandshakeAuthorizationError(source, `expected ${encoding} of a JSON object`);
  }
  const record = toHeaderRecord(parsed);
  if (!record) throw new HandshakeAuthorizationError(source, 'expected a JSON object of string values');
  return record;
}

/**
 * A flat object of header values (numbers and booleans become strings); undefined for anything else.
 * Used for the handshake authorization and for `payload.extensions.authorization` of a `start`.
 */
export function toHeaderRecord(value: unknown): Record<string, string> | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const record: Record<string, string> = {};
  for (const [name, headerValue] of Object.entries(value)) {
    if (typeof headerValue === 'string') record[name] = headerValue;
    else if (typeof headerValue === 'number' || typeof headerValue === 'boolean') record[name] = String(headerValue);
    else return undefined;
  }
  return record;
}

/**
 * Query parameters read from the raw request target. The `header`/`payload` values are standard base64 and are
 * often not URL-encoded, so form decoding (`URLSearchParams`) would turn their `+` into spaces; here percent-escapes
 * are decoded, `+` is kept, and a space (from `%20` or a client that form-encoded) is mapped back to `+`.
 */
function rawQueryParameters(url: string | undefined): Map<string, string> {
  const parameters = new Map<string, string>();
  const target = url ?? '';
  const queryStart = target.indexOf('?');
  if (queryStart === -1) return parameters;
  for (const pair of target.slice(queryStart + 1).split('&')) {
    if (pair === '') continue;
    const equals = pair.indexOf('=');
    const name = percentDecode(equals === -1 ? pair : pair.slice(0, equals));
    const value = equals === -1 ? '' : percentDecode(pair.slice(equals + 1)).replaceAll(' ', '+');
    if (!parameters.has(name)) parameters.set(name, value);
  }
  return parameters;
}

function percentDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** The upgrade request's own headers minus the WebSocket mechanics (plain-header handshake form). */
function plainHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const record: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || UPGRADE_HEADERS.has(name)) continue;
    record[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return record;
}

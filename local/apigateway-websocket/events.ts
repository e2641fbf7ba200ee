/**
 * The Lambda events API Gateway sends for a WebSocket API, shaped like captured AWS events: headers and query only
 * on CONNECT, `messageId` and `body` only on MESSAGE, `disconnectStatusCode`/`disconnectReason` and a fixed header
 * set only on DISCONNECT, and the authorizer's output on every event after the authorizer ran.
 */
import { CONNECT_ROUTE, DISCONNECT_ROUTE } from './definition.js';
import { newTraceId } from './ids.js';
import { LOCAL_ACCOUNT_ID } from '../account.js';

/** What is fixed for the whole API. */
export interface ApiFacts {
  readonly apiId: string;
  readonly stage: string;
  /** `host:port` of the gateway, standing in for `{apiId}.execute-api.{region}.amazonaws.com`. */
  readonly domainName: string;
  readonly region: string;
}

/** What is fixed for one connection. */
export interface ConnectionFacts {
  readonly connectionId: string;
  /** Epoch milliseconds. */
  readonly connectedAt: number;
  readonly sourceIp: string;
  /** The handshake's `User-Agent`, when it had one. */
  readonly userAgent: string | undefined;
}

/** Header names as the client spelled them (first spelling wins), with every value, in arrival order. */
export type HeaderList = ReadonlyMap<string, { readonly name: string; readonly values: readonly string[] }>;

/** The upgrade request as API Gateway passes it on: client headers plus the ones its front end adds. */
export interface HandshakeRequest {
  readonly headers: HeaderList;
  readonly query: URLSearchParams;
}

/**
 * Reads the upgrade request's headers and adds what API Gateway's front end adds: the caller's address appended to
 * `X-Forwarded-For`, `X-Forwarded-Port`, `X-Forwarded-Proto` and an `X-Amzn-Trace-Id` (kept if the client sent one).
 */
export function readHandshakeHeaders(
  rawHeaders: readonly string[],
  sourceIp: string,
  port: number,
  nowMs: number,
): HeaderList {
  const headers = new Map<string, { name: string; values: string[] }>();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i] ?? '';
    const key = name.toLowerCase();
    const existing = headers.get(key);
    if (existing === undefined) headers.set(key, { name, values: [rawHeaders[i + 1] ?? ''] });
    else existing.values.push(rawHeaders[i + 1] ?? '');
  }
  const forwardedFor = headers.get('x-forwarded-for')?.values.join(', ');
  headers.set('x-forwarded-for', {
    name: headers.get('x-forwarded-for')?.name ?? 'X-Forwarded-For',
    values: [forwardedFor === undefined || forwardedFor === '' ? sourceIp : `${forwardedFor}, ${sourceIp}`],
  });
  headers.set('x-forwarded-port', {
    name: headers.get('x-forwarded-port')?.name ?? 'X-Forwarded-Port',
    values: [String(port)],
  });
  headers.set('x-forwarded-proto', {
    name: headers.get('x-forwarded-proto')?.name ?? 'X-Forwarded-Proto',
    values: ['http'],
  });
  if (!headers.has('x-amzn-trace-id'))
    headers.set('x-amzn-trace-id', { name: 'X-Amzn-Trace-Id', values: [newTraceId(nowMs)] });
  return headers;
}

/** Headers the integration event leaves out (the authorizer event has them). */
const HOP_BY_HOP_HEADERS: ReadonlySet<string> = new Set(['connection', 'upgrade', 'content-length']);

function headerMaps(headers: HeaderList, leaveOut: ReadonlySet<string>) {
  const single: Record<string, string> = {};
  const multi: Record<string, string[]> = {};
  for (const [key, { name, values }] of headers) {
    if (leaveOut.has(key)) continue;
    single[name] = values[values.length - 1] ?? '';
    multi[name] = [...values];
  }
  return { headers: single, multiValueHeaders: multi };
}

function queryMaps(query: URLSearchParams) {
  const single: Record<string, string> = {};
  const multi: Record<string, string[]> = {};
  for (const [name, value] of query) {
    single[name] = value;
    (multi[name] ??= []).push(value);
  }
  return { queryStringParameters: single, multiValueQueryStringParameters: multi };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `requestTime` in Common Log Format, e.g. `11/Nov/2024:11:35:24 +0000`. */
export function commonLogTime(epochMs: number): string {
  const date = new Date(epochMs);
  const pad = (n: number) => String(n).padStart(2, '0');
  return (
    `${pad(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}:` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`
  );
}

/** Per-event values of `requestContext`. */
interface EventFacts {
  readonly routeKey: string;
  readonly eventType: 'CONNECT' | 'MESSAGE' | 'DISCONNECT';
  readonly requestId: string;
  readonly requestTimeEpoch: number;
  readonly authorizer: Readonly<Record<string, unknown>> | undefined;
  readonly messageId?: string;
  readonly disconnect?: { readonly statusCode: number; readonly reason: string };
}

function requestContext(api: ApiFacts, connection: ConnectionFacts, event: EventFacts): Record<string, unknown> {
  return {
    routeKey: event.routeKey,
    ...(event.messageId === undefined ? {} : { messageId: event.messageId }),
    ...(event.disconnect === undefined ? {} : { disconnectStatusCode: event.disconnect.statusCode }),
    ...(event.authorizer === undefined ? {} : { authorizer: { ...event.authorizer } }),
    eventType: event.eventType,
    extendedRequestId: event.requestId,
    requestTime: commonLogTime(event.requestTimeEpoch),
    messageDirection: 'IN',
    ...(event.disconnect === undefined ? {} : { disconnectReason: event.disconnect.reason }),
    stage: api.stage,
    connectedAt: connection.connectedAt,
    requestTimeEpoch: event.requestTimeEpoch,
    identity: {
      sourceIp: connection.sourceIp,
      ...(connection.userAgent === undefined ? {} : { userAgent: connection.userAgent }),
    },
    requestId: event.requestId,
    domainName: api.domainName,
    connectionId: connection.connectionId,
    apiId: api.apiId,
  };
}

/** The account id in local ARNs (the local cloud uses it everywhere). */

/** `arn:aws:execute-api:{region}:{account}:{apiId}/{stage}/$connect` — no HTTP verb on WebSocket APIs. */
export function connectMethodArn(api: ApiFacts): string {
  return `arn:aws:execute-api:${api.region}:${LOCAL_ACCOUNT_ID}:${api.apiId}/${api.stage}/${CONNECT_ROUTE}`;
}

/** The REQUEST authorizer's event: every header (with `Connection`/`Upgrade`), query maps even when empty. */
export function authorizerEvent(
  api: ApiFacts,
  connection: ConnectionFacts,
  request: HandshakeRequest,
  requestId: string,
  nowMs: number,
): Record<string, unknown> {
  return {
    type: 'REQUEST',
    methodArn: connectMethodArn(api),
    ...headerMaps(request.headers, new Set()),
    ...queryMaps(request.query),
    stageVariables: {},
    requestContext: requestContext(api, connection, {
      routeKey: CONNECT_ROUTE,
      eventType: 'CONNECT',
      requestId,
      requestTimeEpoch: nowMs,
      authorizer: undefined,
    }),
  };
}

/** The `$connect` integration's event; query maps only when the URL has a query. */
export function connectEvent(
  api: ApiFacts,
  connection: ConnectionFacts,
  request: HandshakeRequest,
  authorizer: Readonly<Record<string, unknown>> | undefined,
  requestId: string,
  nowMs: number,
): Record<string, unknown> {
  return {
    ...headerMaps(request.headers, HOP_BY_HOP_HEADERS),
    ...(request.query.size === 0 ? {} : queryMaps(request.query)),
    requestContext: requestContext(api, connection, {
      routeKey: CONNECT_ROUTE,
      eventType: 'CONNECT',
      requestId,
      requestTimeEpoch: nowMs,
      authorizer,
    }),
    isBase64Encoded: false,
  };
}

/** A message route's event (`$default` or a custom key). */
export function messageEvent(
  api: ApiFacts,
  connection: ConnectionFacts,
  authorizer: Readonly<Record<string, unknown>> | undefined,
  message: { readonly routeKey: string; readonly body: string; readonly requestId: string; readonly messageId: string },
  nowMs: number,
): Record<string, unknown> {
  return {
    requestContext: requestContext(api, connection, {
      routeKey: message.routeKey,
      eventType: 'MESSAGE',
      requestId: message.requestId,
      messageId: message.messageId,
      requestTimeEpoch: nowMs,
      authorizer,
    }),
    body: message.body,
    isBase64Encoded: false,
  };
}

/** The `$disconnect` event with API Gateway's fixed header set. */
export function disconnectEvent(
  api: ApiFacts,
  connection: ConnectionFacts,
  authorizer: Readonly<Record<string, unknown>> | undefined,
  disconnect: { readonly statusCode: number; readonly reason: string },
  requestId: string,
  nowMs: number,
): Record<string, unknown> {
  const headers = { Host: api.domainName, 'x-api-key': '', 'X-Forwarded-For': '', 'x-restapi': '' };
  return {
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, [value]])),
    requestContext: requestContext(api, connection, {
      routeKey: DISCONNECT_ROUTE,
      eventType: 'DISCONNECT',
      requestId,
      requestTimeEpoch: nowMs,
      authorizer,
      disconnect,
    }),
    isBase64Encoded: false,
  };
}

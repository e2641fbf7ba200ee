/**
 * `POST /graphql` with AppSync's status codes, error bodies and `x-amzn-ErrorType` headers (see
 * shared reference appsync-realtime.md §5.2), plus CORS so browser apps can call it.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Authenticator } from './auth/index.js';
import { UnauthorizedError } from './auth/index.js';
import { MalformedQueryError, type GraphqlEngine } from './engine/engine.js';
import type { Authentication } from './auth/types.js';
import type { LocalLogger } from '../logging/logger.js';
import { describeCaller, summariseOperation } from '../logging/graphql.js';

/** Largest request body accepted, in bytes. */
const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

const CORS_HEADERS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'POST, OPTIONS',
  'access-control-allow-headers':
    'authorization, content-type, x-api-key, x-amz-date, x-amz-security-token, x-amz-user-agent, x-amz-content-sha256',
  'access-control-expose-headers': 'x-amzn-requestid, x-amzn-errortype',
  'access-control-max-age': '86400',
};

export interface GraphqlHttpHandlerOptions {
  /** e.g. `/graphql` */
  readonly path: string;
  readonly engine: GraphqlEngine;
  readonly authenticator: Authenticator;
  /** @default 1 MiB */
  readonly maxBodyBytes?: number;
  /** One info line per POST: operation, caller, status, duration. @default silent */
  readonly logger?: LocalLogger;
}

/** What a POST turned out to be, filled in as it is read, for its log line. */
interface RequestNote {
  query?: string;
  operationName?: string | null;
  auth?: Authentication;
}

/** Answers requests to `path`; returns false (leaving the response alone) for other paths. */
export type GraphqlHttpHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

/**
 * @example
 * ```ts
 * const handle = createGraphqlHttpHandler({ path: '/graphql', engine, authenticator });
 * http.createServer((req, res) => handle(req, res) || res.writeHead(404).end());
 * ```
 */
export function createGraphqlHttpHandler(options: GraphqlHttpHandlerOptions): GraphqlHttpHandler {
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  return (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== options.path) return false;
    if (req.method === 'OPTIONS') {
      res.writeHead(204, CORS_HEADERS).end();
      return true;
    }
    if (req.method !== 'POST') {
      reply(res, 405, { errors: [{ errorType: 'MethodNotAllowedException', message: `Use POST ${options.path}.` }] }, 'MethodNotAllowedException');
      return true;
    }
    const note: RequestNote = {};
    if (options.logger?.isLevelEnabled('info')) logWhenFinished(options.logger, options.engine, res, note);
    void handlePost(req, res, options, maxBodyBytes, note).catch((error: unknown) => {
      if (!res.headersSent) {
        reply(res, 500, { errors: [{ errorType: 'InternalFailure', message: (error as Error).message }] }, 'InternalFailure');
      }
    });
    return true;
  };
}

async function handlePost(
  req: IncomingMessage,
  res: ServerResponse,
  options: GraphqlHttpHandlerOptions,
  maxBodyBytes: number,
  note: RequestNote,
) {
  const body = await readBody(req, maxBodyBytes);
  if (body === null) {
    reply(res, 413, { errors: [{ errorType: 'PayloadTooLargeException', message: `Request body exceeds ${maxBodyBytes} bytes.` }] }, 'PayloadTooLargeException');
    return;
  }
  if (body.length === 0) {
    malformed(res, 'Request body is empty.');
    return;
  }
  let request: { query?: unknown; variables?: unknown; operationName?: unknown };
  try {
    request = JSON.parse(body) as typeof request;
  } catch {
    malformed(res, 'Unable to parse GraphQL query.');
    return;
  }
  if (typeof request !== 'object' || request === null || Array.isArray(request) || typeof request.query !== 'string') {
    malformed(res, 'Unable to parse GraphQL query.');
    return;
  }
  const variables = request.variables ?? null;
  if (variables !== null && (typeof variables !== 'object' || Array.isArray(variables))) {
    malformed(res, 'Variables must be a JSON object.');
    return;
  }
  note.query = request.query;
  note.operationName = typeof request.operationName === 'string' ? request.operationName : null;
  const headers = requestHeaders(req);
  let auth;
  try {
    auth = await options.authenticator.authenticate({
      method: 'POST',
      path: options.path,
      headers,
      body,
      sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
    });
  } catch (error) {
    if (error instanceof UnauthorizedError) {
      reply(res, 401, { errors: [{ errorType: 'UnauthorizedException', message: error.message }] }, 'UnauthorizedException');
      return;
    }
    throw error;
  }
  note.auth = auth;
  try {
    const response = await options.engine.execute({
      query: request.query,
      variables: variables as Record<string, unknown> | null,
      operationName: typeof request.operationName === 'string' ? request.operationName : null,
      auth,
      headers,
    });
    reply(res, 200, response);
  } catch (error) {
    if (error instanceof MalformedQueryError) {
      malformed(res, error.message);
      return;
    }
    throw error;
  }
}

/** `query myRooms by alice@example.com → 200 (12 ms)` once the response is sent. */
function logWhenFinished(logger: LocalLogger, engine: GraphqlEngine, res: ServerResponse, note: RequestNote): void {
  const startedAt = performance.now();
  res.once('finish', () => {
    const durationMs = Math.round(performance.now() - startedAt);
    const operation =
      note.query === undefined ? null : summariseOperation(engine.parsedDocument(note.query), note.operationName);
    const caller = note.auth ? describeCaller(note.auth) : 'unauthenticated';
    const what = operation ? `${operation.type} ${operation.name}` : 'unreadable request';
    const fields = { operationType: operation?.type, operationName: operation?.name, principal: caller, durationMs };
    logger.info({ ...fields, status: res.statusCode }, `${what} by ${caller} → ${res.statusCode} (${durationMs} ms)`);
  });
}

/** The body, or null when it is larger than allowed. */
function readBody(req: IncomingMessage, maxBytes: number): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? null : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Header names lower-case with string values, as `ctx.request.headers` has them; cookies are never exposed. */
function requestHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (name === 'cookie' || value === undefined) continue;
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

function malformed(res: ServerResponse, message: string): void {
  reply(res, 400, { errors: [{ message, errorType: 'MalformedHttpRequestException' }] }, 'MalformedHttpRequestException');
}

function reply(res: ServerResponse, status: number, body: unknown, errorType?: string): void {
  const headers: Record<string, string> = {
    ...CORS_HEADERS,
    'content-type': 'application/json;charset=UTF-8',
    'x-amzn-requestid': randomUUID(),
  };
  if (errorType) headers['x-amzn-errortype'] = errorType;
  res.writeHead(status, headers).end(JSON.stringify(body));
}

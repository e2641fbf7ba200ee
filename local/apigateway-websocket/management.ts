/**
 * The `@connections` management API (`POST|GET|DELETE /{stage}/@connections/{connectionId}`), answering with the
 * status codes and `x-amzn-ErrorType` headers that make `@aws-sdk/client-apigatewaymanagementapi` throw its modeled
 * exceptions (GoneException, ForbiddenException, PayloadTooLargeException, LimitExceededException).
 *
 * Requests must be SigV4-signed (an `Authorization: AWS4-HMAC-SHA256 …` header or a presigned query), as IAM
 * requires, but the signature is not verified: any credentials work locally. With a throttle, requests beyond its
 * rate are refused first, with 429 LimitExceededException, as the account's API Gateway throttle does.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { MAX_MESSAGE_BYTES, SERVER_CLOSES, type GatewayConnection } from './connection.js';
import type { ConnectionsThrottle } from './connections-throttle.js';
import { answerJson } from './http-answers.js';
import { isWellFormedConnectionId } from './ids.js';

export interface ManagementTarget {
  readonly stageName: string;
  /** The connection with this id if `@connections` can reach it (not while `$connect` runs, not once closing). */
  readonly findOpen: (connectionId: string) => GatewayConnection | undefined;
  /** The gateway's `@connections` token bucket; absent: no throttling. */
  readonly throttle?: ConnectionsThrottle;
}

/** `/{stage}/@connections/{id}`, also as `%40connections` (awscurl's form) and `//` (an endpoint ending in `/`). */
function connectionsPath(stageName: string): RegExp {
  return new RegExp(`^/${stageName}/+(?:@|%40)connections(?:/([^/]*))?$`);
}

const FORBIDDEN = { message: 'Forbidden' };

/** Answers `request` if it is for `@connections` and returns true; returns false (answering nothing) otherwise. */
export function handleManagementRequest(
  request: IncomingMessage,
  response: ServerResponse,
  path: string,
  target: ManagementTarget,
): boolean {
  const match = connectionsPath(target.stageName).exec(path);
  if (match === null) return false;
  const encodedId = match[1];
  readBody(request, (body) => {
    if (target.throttle !== undefined && !target.throttle.tryTake()) {
      answerLimitExceeded(response);
      return;
    }
    if (!isSigned(request)) {
      answerJson(response, 403, { message: 'Missing Authentication Token' }, 'MissingAuthenticationTokenException');
      return;
    }
    if (encodedId === undefined || encodedId === '') {
      answerJson(response, 403, FORBIDDEN, 'ForbiddenException');
      return;
    }
    const connectionId = decode(encodedId);
    if (connectionId === undefined || !isWellFormedConnectionId(connectionId)) {
      answerJson(response, 400, { message: 'Invalid connectionId' }, 'BadRequestException');
      return;
    }
    switch (request.method) {
      case 'POST':
        postToConnection(response, target.findOpen(connectionId), body);
        return;
      case 'GET':
        getConnection(response, target.findOpen(connectionId));
        return;
      case 'DELETE':
        deleteConnection(response, target.findOpen(connectionId));
        return;
      default:
        answerJson(response, 403, FORBIDDEN, 'ForbiddenException');
    }
  });
  return true;
}

/** The answer AWS gives for a connection that is gone, not yet connected, or never existed: no message. */
function answerGone(response: ServerResponse): void {
  answerJson(response, 410, { message: null }, 'GoneException');
}

function postToConnection(
  response: ServerResponse,
  connection: GatewayConnection | undefined,
  body: Buffer | 'too-large',
): void {
  if (body === 'too-large') {
    answerJson(
      response,
      413,
      { message: 'The data has exceeded the maximum size allowed' },
      'PayloadTooLargeException',
    );
    return;
  }
  const outcome = connection?.send(body) ?? 'gone';
  if (outcome === 'gone') answerGone(response);
  else if (outcome === 'client-buffer-full') answerLimitExceeded(response);
  else answerJson(response, 200);
}

/**
 * 429 LimitExceededException: too many requests for the throttle, or the client's buffer is full. The SDK counts it
 * as throttling and retries it with its throttling backoff.
 */
export function answerLimitExceeded(response: ServerResponse): void {
  answerJson(response, 429, { message: 'Too Many Requests' }, 'LimitExceededException');
}

function getConnection(response: ServerResponse, connection: GatewayConnection | undefined): void {
  if (connection === undefined) {
    answerGone(response);
    return;
  }
  answerJson(response, 200, {
    connectedAt: new Date(connection.facts.connectedAt).toISOString(),
    identity: { sourceIp: connection.facts.sourceIp, userAgent: connection.facts.userAgent ?? null },
    lastActiveAt: new Date(connection.lastActiveAt).toISOString(),
  });
}

function deleteConnection(response: ServerResponse, connection: GatewayConnection | undefined): void {
  if (connection === undefined) {
    answerGone(response);
    return;
  }
  connection.close(SERVER_CLOSES.deleteConnection);
  answerJson(response, 204);
}

function isSigned(request: IncomingMessage): boolean {
  const authorization = request.headers.authorization;
  if (typeof authorization === 'string' && authorization.startsWith('AWS4-HMAC-SHA256 ')) return true;
  const query = request.url?.split('?')[1];
  return query !== undefined && new URLSearchParams(query).has('X-Amz-Signature');
}

function decode(encoded: string): string | undefined {
  try {
    return decodeURIComponent(encoded);
  } catch {
    return undefined;
  }
}

/** Reads the body, keeping at most the POST limit; a larger body is drained and reported as too large. */
function readBody(request: IncomingMessage, onBody: (body: Buffer | 'too-large') => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  request.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size <= MAX_MESSAGE_BYTES) chunks.push(chunk);
  });
  request.on('end', () => onBody(size > MAX_MESSAGE_BYTES ? 'too-large' : Buffer.concat(chunks)));
  request.on('error', () => request.destroy());
}

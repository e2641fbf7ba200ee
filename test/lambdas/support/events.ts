/**
 * API Gateway WebSocket and DynamoDB Streams events shaped like the real captures in the shared reference
 * apigw-websocket.md (§2.3 Powertools captures, §3.2 authorizer input, §7.1 stream records).
 */
import { randomBytes } from 'node:crypto';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';

const API_ID = 'fjnq7njcv2';
const STAGE = 'prod';
const DOMAIN = `${API_ID}.execute-api.us-east-1.amazonaws.com`;

/** A 16-character, base64-looking id ending in `=`, like `BFHPhfCWIAMCKlQ=`. */
export function newConnectionId(): string {
  return randomBytes(11).toString('base64');
}

function requestTime(epochMs: number): string {
  const date = new Date(epochMs);
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(date.getUTCDate())}/${months[date.getUTCMonth()]}/${date.getUTCFullYear()}:${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;
}

function baseRequestContext(routeKey: string, eventType: string, connectionId: string, connectedAt: number) {
  const now = Date.now();
  const requestId = randomBytes(11).toString('base64');
  return {
    routeKey,
    eventType,
    extendedRequestId: requestId,
    requestTime: requestTime(now),
    messageDirection: 'IN',
    stage: STAGE,
    connectedAt,
    requestTimeEpoch: now,
    identity: { sourceIp: '166.90.225.1' },
    requestId,
    domainName: DOMAIN,
    connectionId,
    apiId: API_ID,
  };
}

function upgradeHeaders(extra: Record<string, string>): Record<string, string> {
  return {
    Host: DOMAIN,
    'Sec-WebSocket-Extensions': 'permessage-deflate; client_max_window_bits',
    'Sec-WebSocket-Key': randomBytes(16).toString('base64'),
    'Sec-WebSocket-Version': '13',
    'X-Amzn-Trace-Id': `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${randomBytes(12).toString('hex')}`,
    'X-Forwarded-For': '166.90.225.1',
    'X-Forwarded-Port': '443',
    'X-Forwarded-Proto': 'https',
    ...extra,
  };
}

const multiValue = (values: Record<string, string>) =>
  Object.fromEntries(Object.entries(values).map(([name, value]) => [name, [value]]));

export interface HandshakeInput {
  readonly connectionId: string;
  /** Client headers such as `Sec-WebSocket-Protocol`. */
  readonly headers?: Record<string, string>;
  readonly query?: Record<string, string>;
}

/** The `$connect` REQUEST authorizer's input. */
export function authorizerEvent(input: HandshakeInput) {
  const headers = upgradeHeaders({ Connection: 'upgrade', 'content-length': '0', Upgrade: 'websocket', ...input.headers });
  return {
    type: 'REQUEST',
    methodArn: `arn:aws:execute-api:us-east-1:123456789012:${API_ID}/${STAGE}/$connect`,
    headers,
    multiValueHeaders: multiValue(headers),
    queryStringParameters: input.query ?? {},
    multiValueQueryStringParameters: multiValue(input.query ?? {}),
    stageVariables: {},
    requestContext: baseRequestContext('$connect', 'CONNECT', input.connectionId, Date.now()),
  };
}

/** The authorizer context API Gateway attaches to later events: values stringified, plus `principalId`. */
export function authorizerContext(userId: string, username = 'user@example.com') {
  return { username, principalId: userId, integrationLatency: 42 };
}

/** `$connect`, after the authorizer allowed the connection for `userId`. */
export function connectEvent(input: HandshakeInput & { readonly userId?: string; readonly connectedAt?: number }) {
  const headers = upgradeHeaders(input.headers ?? {});
  return {
    headers,
    multiValueHeaders: multiValue(headers),
    ...(input.query === undefined
      ? {}
      : { queryStringParameters: input.query, multiValueQueryStringParameters: multiValue(input.query) }),
    requestContext: {
      ...baseRequestContext('$connect', 'CONNECT', input.connectionId, input.connectedAt ?? Date.now()),
      ...(input.userId === undefined ? {} : { authorizer: authorizerContext(input.userId) }),
    },
    isBase64Encoded: false,
  };
}

/** A frame on a message route (`routeKey` is what route selection chose). */
export function messageEvent(input: { connectionId: string; userId: string; routeKey: string; body: string; connectedAt?: number }) {
  return {
    requestContext: {
      ...baseRequestContext(input.routeKey, 'MESSAGE', input.connectionId, input.connectedAt ?? Date.now() - 1000),
      messageId: randomBytes(11).toString('base64'),
      authorizer: authorizerContext(input.userId),
    },
    body: input.body,
    isBase64Encoded: false,
  };
}

/** `$disconnect` after the client closed without a status (1005). */
export function disconnectEvent(input: { connectionId: string; userId: string }) {
  const headers = { Host: DOMAIN, 'x-api-key': '', 'X-Forwarded-For': '', 'x-restapi': '' };
  return {
    headers,
    multiValueHeaders: multiValue(headers),
    requestContext: {
      ...baseRequestContext('$disconnect', 'DISCONNECT', input.connectionId, Date.now() - 60_000),
      disconnectStatusCode: 1005,
      disconnectReason: 'Client-side close frame status not set',
      authorizer: authorizerContext(input.userId),
    },
    isBase64Encoded: false,
  };
}

type Image = Record<string, AttributeValue>;

let sequence = 21258800000000008186106757n;

/**
 * A Lambda DynamoDB Streams record (NEW_AND_OLD_IMAGES) for a chat-table item, with images in DynamoDB JSON
 * exactly as the item is stored.
 */
export function streamRecord(eventName: 'INSERT' | 'MODIFY' | 'REMOVE', images: { newImage?: Image; oldImage?: Image }) {
  const image = images.newImage ?? images.oldImage;
  if (image?.pk === undefined || image.sk === undefined) throw new Error('a stream record needs an image with pk and sk');
  sequence += 100n;
  return {
    eventID: randomBytes(16).toString('hex'),
    eventName,
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: 'us-east-1',
    dynamodb: {
      ApproximateCreationDateTime: Math.floor(Date.now() / 1000),
      Keys: { pk: image.pk, sk: image.sk },
      ...(images.newImage === undefined ? {} : { NewImage: images.newImage }),
      ...(images.oldImage === undefined ? {} : { OldImage: images.oldImage }),
      SequenceNumber: sequence.toString(),
      SizeBytes: JSON.stringify(image).length,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
    eventSourceARN: 'arn:aws:dynamodb:us-east-1:000000000000:table/Chat/stream/2026-11-23T00:00:00.000',
  };
}

/**
 * Bad input against the local cloud: a corpus of malformed, oversized and hostile requests for the GraphQL HTTP
 * endpoint, the real-time endpoint and the raw WebSocket API, each with the error it must get; after each group a
 * normal request proves the server still serves. Ends with header floods and slow-loris upgrades, which must not
 * keep other clients waiting.
 */
import { once } from 'node:events';
import { connect as connectTcp, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../local/cloud.js';
import { GRAPHQL_WS_SUBPROTOCOL, encodeAuthSubprotocol } from '../../local/appsync/realtime/index.js';
import * as doc from '../support/chat-documents.js';
import {
  graphql,
  handshake,
  postRaw,
  rawRequest,
  realtimeAuthorization,
  realtimeConnect,
  realtimeStart,
  signedInUser,
  startSecurityCloud,
  type FrameClient,
  type HttpAnswer,
} from './support.js';

/** What a case must get: an HTTP status and the first error's errorType, or (untyped errors) a message pattern. */
interface HttpExpectation {
  readonly status: number;
  readonly errorType?: string;
  readonly message?: RegExp;
}

/** The member's room and a message in it. */
interface Target {
  readonly roomId: string;
  readonly messageId: string;
}

interface HttpCase {
  readonly name: string;
  /** The raw body, or a GraphQL request sent as JSON. */
  readonly body: string | Uint8Array | ((target: Target) => { query: string; variables?: Record<string, unknown> });
  readonly headers?: Record<string, string>;
  readonly expected: HttpExpectation;
}

const MALFORMED = { status: 400, errorType: 'MalformedHttpRequestException' } as const;
/** graphql validation and variable errors: 200, data null, no errorType (as AppSync answers them). */
const invalid = (message: RegExp): HttpExpectation => ({ status: 200, message });
const validation: HttpExpectation = { status: 200, errorType: 'ValidationError' };
const nested = (depth: number) => `query { myRooms { items { ${'myMembership { room { '.repeat(depth)}id${' } }'.repeat(depth)} } } }`;

const HTTP_CASES: readonly HttpCase[] = [
  { name: 'empty body', body: '', expected: MALFORMED },
  { name: 'not JSON', body: '{"query": ', expected: MALFORMED },
  { name: 'a JSON array', body: '[{"query": "{ myRooms { nextToken } }"}]', expected: MALFORMED },
  { name: 'a JSON string', body: '"query"', expected: MALFORMED },
  { name: 'query not a string', body: '{"query": 42}', expected: MALFORMED },
  { name: 'variables not an object', body: '{"query": "{ myRooms { nextToken } }", "variables": "x"}', expected: MALFORMED },
  { name: 'invalid UTF-8', body: Uint8Array.from([0x7b, 0x22, 0x71, 0xff, 0xfe, 0x22, 0x7d]), expected: MALFORMED },
  { name: 'GraphQL syntax error', body: () => ({ query: 'query { myRooms { items { id } ' }), expected: MALFORMED },
  { name: 'unknown field', body: () => ({ query: 'query { secrets }' }), expected: invalid(/Validation error: Cannot query field "secrets"/) },
  {
    name: 'Int variable given a string',
    body: () => ({ query: 'query Q($l: Int) { myRooms(limit: $l) { nextToken } }', variables: { l: 'ten' } }),
    expected: invalid(/Int cannot represent non-integer value/),
  },
  {
    name: 'Boolean variable given an object',
    body: ({ roomId }) => ({ query: doc.SEND_TYPING, variables: { roomId, typing: { yes: true } } }),
    expected: invalid(/Boolean cannot represent a non boolean value/),
  },
  {
    name: 'unknown enum value',
    body: () => ({ query: doc.CREATE_ROOM, variables: { input: { name: 'x', visibility: 'SECRET' } } }),
    expected: invalid(/Value "SECRET" does not exist in "RoomVisibility" enum/),
  },
  { name: 'required variable missing', body: () => ({ query: doc.ROOM_QUERY }), expected: invalid(/of required type "ID!" was not provided/) },
  {
    name: 'input field outside the schema',
    body: ({ roomId }) => ({ query: doc.SEND_MESSAGE, variables: { input: { roomId, body: 'x', authorId: 'someone' } } }),
    expected: invalid(/Field "authorId" is not defined by type "SendMessageInput"/),
  },
  { name: 'id with key separators', body: () => ({ query: doc.ROOM_QUERY, variables: { id: 'ROOM#x:y#' } }), expected: validation },
  {
    name: 'message body over 4000 characters',
    body: ({ roomId }) => ({ query: doc.SEND_MESSAGE, variables: { input: { roomId, body: 'a'.repeat(4001) } } }),
    expected: validation,
  },
  {
    name: 'blank message body',
    body: ({ roomId }) => ({ query: doc.SEND_MESSAGE, variables: { input: { roomId, body: ' \n\t ' } } }),
    expected: validation,
  },
  { name: 'page limit over 100', body: ({ roomId }) => ({ query: doc.MESSAGES, variables: { roomId, limit: 1000 } }), expected: validation },
  { name: 'negative page limit', body: ({ roomId }) => ({ query: doc.MESSAGES, variables: { roomId, limit: -1 } }), expected: validation },
  // A token the data source did not issue (here: one naming another user's partition) is refused as AppSync does.
  {
    name: 'forged nextToken',
    body: ({ roomId }) => ({ query: doc.MESSAGES, variables: { roomId, nextToken: Buffer.from('{"pk":"USER#x","sk":"ROOM#y"}').toString('base64') } }),
    expected: { status: 200, errorType: 'DynamoDB:UserIllegalArgumentException' },
  },
  { name: 'malformed cursor', body: ({ roomId }) => ({ query: doc.MESSAGES_SINCE, variables: { roomId, after: 'not-a-cursor' } }), expected: validation },
  {
    name: 'emoji with whitespace',
    body: ({ roomId, messageId }) => ({ query: doc.ADD_REACTION, variables: { input: { roomId, messageId, emoji: 'a b' } } }),
    expected: validation,
  },
  {
    name: 'oversized variables (900 KB body)',
    body: ({ roomId }) => ({ query: doc.SEND_MESSAGE, variables: { input: { roomId, body: 'a'.repeat(900_000) } } }),
    expected: validation,
  },
  {
    name: 'oversized request (over 1 MiB)',
    body: JSON.stringify({ query: '{ myRooms { nextToken } }', variables: { padding: 'a'.repeat(1_100_000) } }),
    expected: { status: 413, errorType: 'PayloadTooLargeException' },
  },
  {
    name: 'oversized query text (900 KB of comment)',
    body: () => ({ query: `#${'x'.repeat(900_000)}\n{ myRooms { nextToken } }` }),
    expected: { status: 200 },
  },
  { name: 'deep nesting (40 levels of real fields)', body: () => ({ query: nested(40) }), expected: { status: 200 } },
  {
    name: 'deep nesting (5000 levels of braces)',
    body: () => ({ query: `query ${'{ myRooms '.repeat(5000)}${'}'.repeat(5000)}` }),
    expected: MALFORMED,
  },
  {
    name: 'deeply nested JSON in variables (100000 levels)',
    body: `{"query": "{ myRooms { nextToken } }", "variables": {"x": ${'['.repeat(100_000)}${']'.repeat(100_000)}}}`,
    expected: { status: 200 },
  },
  {
    name: 'two operations without operationName',
    body: () => ({ query: 'query A { myRooms { nextToken } } query B { myRooms { nextToken } }' }),
    expected: { status: 200, errorType: 'BadRequestException' },
  },
  { name: 'subscription over HTTP', body: () => ({ query: doc.ON_MY_ROOMS }), expected: { status: 200, errorType: 'BadRequestException' } },
];

/** Real-time client messages on an acknowledged connection and the `error` frame each must get. */
const REALTIME_CASES: readonly { name: string; message: (roomId: string) => string; errorType: string | RegExp }[] = [
  { name: 'not JSON', message: () => 'hello?', errorType: 'BadRequestException' },
  { name: 'a JSON array', message: () => '[1, 2]', errorType: 'BadRequestException' },
  { name: 'no type', message: () => '{"id": "x"}', errorType: 'BadRequestException' },
  { name: 'unknown type', message: () => '{"id": "x", "type": "subscribe"}', errorType: 'UnsupportedOperation' },
  { name: 'start without payload', message: () => '{"id": "s1", "type": "start"}', errorType: 'UnsupportedOperation' },
  {
    name: 'start whose data is not JSON',
    message: () => JSON.stringify({ id: 's2', type: 'start', payload: { data: '{nope' } }),
    errorType: 'MalformedHttpRequestException',
  },
  {
    name: 'start with a syntax error',
    message: () => JSON.stringify({ id: 's3', type: 'start', payload: { data: JSON.stringify({ query: 'subscription {' }) } }),
    errorType: 'MalformedHttpRequestException',
  },
  {
    name: 'start nested 5000 levels deep',
    message: () =>
      JSON.stringify({ id: 's7', type: 'start', payload: { data: JSON.stringify({ query: `subscription ${'{ onMyRooms '.repeat(5000)}${'}'.repeat(5000)}` }) } }),
    errorType: 'MalformedHttpRequestException',
  },
  {
    name: 'start with a mutation',
    message: (roomId) =>
      JSON.stringify({ id: 's4', type: 'start', payload: { data: JSON.stringify({ query: doc.SEND_TYPING, variables: { roomId } }) } }),
    errorType: 'BadRequestException',
  },
  {
    name: 'start with an unknown field',
    message: () => JSON.stringify({ id: 's5', type: 'start', payload: { data: JSON.stringify({ query: 'subscription { onSecrets { id } }' }) } }),
    // Validation errors are untyped, as over HTTP.
    errorType: /^Validation error: Cannot query field "onSecrets"/,
  },
  {
    name: 'start with a variable of the wrong type',
    message: () =>
      JSON.stringify({ id: 's6', type: 'start', payload: { data: JSON.stringify({ query: doc.ON_MESSAGE, variables: { roomId: { x: 1 } } }) } }),
    errorType: /^Validation error: Variable "\$roomId" got invalid value/,
  },
];

/** Raw WebSocket messages and the reply each must get: `usage` (with its reason) or an `error` of a type. */
const RAW_CASES: readonly { name: string; message: (roomId: string) => string; reply: { type: 'usage'; reason: RegExp } | { type: 'error'; errorType: string } }[] = [
  { name: 'not JSON', message: () => 'hello?', reply: { type: 'usage', reason: /not JSON/ } },
  { name: 'JSON without action', message: () => '{"message": "hi"}', reply: { type: 'usage', reason: /action/ } },
  { name: 'a JSON array', message: () => '["sendmessage"]', reply: { type: 'usage', reason: /action/ } },
  { name: 'JSON nested 15000 levels deep', message: () => `${'['.repeat(15_000)}${']'.repeat(15_000)}`, reply: { type: 'usage', reason: /action/ } },
  { name: 'unknown action', message: () => '{"action": "deleteeverything"}', reply: { type: 'usage', reason: /Unknown action/ } },
  { name: 'action of the wrong type', message: () => '{"action": 7}', reply: { type: 'usage', reason: /action/ } },
  { name: 'sendmessage without message', message: (roomId) => JSON.stringify({ action: 'sendmessage', roomId, requestId: 'q' }), reply: { type: 'error', errorType: 'BadRequest' } },
  { name: 'sendmessage with a number', message: (roomId) => JSON.stringify({ action: 'sendmessage', roomId, message: 5, requestId: 'q' }), reply: { type: 'error', errorType: 'BadRequest' } },
  {
    name: 'sendmessage over 4000 characters',
    message: (roomId) => JSON.stringify({ action: 'sendmessage', roomId, message: 'a'.repeat(4001), requestId: 'q' }),
    // The protocol checks presence and type; the API refuses the length (docs/websocket-protocol.md, Errors).
    reply: { type: 'error', errorType: 'ValidationError' },
  },
  { name: 'history limit 1000', message: (roomId) => JSON.stringify({ action: 'history', roomId, limit: 1000, requestId: 'q' }), reply: { type: 'error', errorType: 'BadRequest' } },
  { name: 'requestId over 128 characters', message: (roomId) => JSON.stringify({ action: 'history', roomId, requestId: 'r'.repeat(129) }), reply: { type: 'error', errorType: 'BadRequest' } },
  { name: 'roomId with key separators', message: () => JSON.stringify({ action: 'history', roomId: 'ROOM#x', requestId: 'q' }), reply: { type: 'error', errorType: 'ValidationError' } },
  { name: 'typing not a boolean', message: (roomId) => JSON.stringify({ action: 'typing', roomId, typing: 'yes', requestId: 'q' }), reply: { type: 'error', errorType: 'BadRequest' } },
];

/** Frames the raw gateway must close the connection for, with API Gateway's close code. */
const RAW_CLOSE_CASES: readonly { name: string; send(socket: FrameClient['socket']): void; code: number }[] = [
  { name: 'a text frame over 32 KB', send: (socket) => socket.send('a'.repeat(33 * 1024)), code: 1009 },
  {
    name: 'a message over 128 KB in 32 KB frames',
    send: (socket) => {
      for (let i = 0; i < 5; i += 1) socket.send('a'.repeat(30 * 1024), { fin: i === 4 });
    },
    code: 1009,
  },
  { name: 'a binary frame', send: (socket) => socket.send(Buffer.from([1, 2, 3]), { binary: true }), code: 1003 },
];

const tally = { cases: 0, asExpected: 0 };
const failures: string[] = [];
function record(name: string, expected: string, actual: string): void {
  tally.cases += 1;
  if (expected === actual) tally.asExpected += 1;
  else failures.push(`${name}: expected ${expected}, got ${actual}`);
}

function describeHttp(answer: HttpAnswer, expected: HttpExpectation): string {
  const error = answer.body.errors?.[0];
  const parts = [`${answer.status}`];
  if (expected.errorType !== undefined) parts.push(error?.errorType ?? 'no errorType');
  if (expected.message !== undefined) parts.push(error && !error.errorType && expected.message.test(error.message ?? '') ? 'matching message' : JSON.stringify(error));
  if (expected.errorType === undefined && expected.message === undefined) parts.push(error ? JSON.stringify(error) : 'data');
  return parts.join(' ');
}
function expectedHttp(expected: HttpExpectation): string {
  const parts = [`${expected.status}`];
  if (expected.errorType !== undefined) parts.push(expected.errorType);
  if (expected.message !== undefined) parts.push('matching message');
  if (expected.errorType === undefined && expected.message === undefined) parts.push('data');
  return parts.join(' ');
}

/** Sends bytes to a TCP port, one chunk every `intervalMs`; resolves with the socket (still open). */
function dribble(port: number, text: string, intervalMs: number, chunks: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connectTcp(port, '127.0.0.1', () => {
      let sent = 0;
      const timer = setInterval(() => {
        if (sent >= chunks || socket.destroyed) {
          clearInterval(timer);
          resolve(socket);
          return;
        }
        socket.write(text.slice(sent, sent + 1));
        sent += 1;
      }, intervalMs);
    });
    socket.once('error', reject);
  });
}

describe('bad input', () => {
  let cloud: LocalCloud;
  let member: { sub: string; token: string };
  let roomId: string;
  let messageId: string;

  /** The server still serves: a normal query answers data. */
  async function stillServes(group: string): Promise<void> {
    const answer = await graphql(cloud, { kind: 'token', token: member.token }, doc.MESSAGES, { roomId });
    record(`${group}: a normal query afterwards`, '200 data', `${answer.status} ${answer.body.data?.['messages'] ? 'data' : JSON.stringify(answer.body)}`);
  }

  beforeAll(async () => {
    cloud = await startSecurityCloud();
    member = await signedInUser(cloud, 'bad-input-member');
    const created = await graphql(cloud, { kind: 'token', token: member.token }, doc.CREATE_ROOM, { input: { name: 'bad input', visibility: 'PUBLIC' } });
    roomId = (created.body.data?.['createRoom'] as { id: string }).id;
    const sent = await graphql(cloud, { kind: 'token', token: member.token }, doc.SEND_MESSAGE, { input: { roomId, body: 'target' } });
    messageId = (sent.body.data?.['sendMessage'] as { id: string }).id;
  }, 120_000);

  afterAll(async () => {
    console.log(`bad input: ${tally.cases} cases, ${tally.asExpected} as expected`);
    await cloud?.stop();
  });

  it('answers each malformed GraphQL HTTP request with its documented error, and keeps serving', async () => {
    const before = failures.length;
    for (const testCase of HTTP_CASES) {
      const body = typeof testCase.body === 'function' ? JSON.stringify(testCase.body({ roomId, messageId })) : testCase.body;
      const answer = await postRaw(cloud, body, { 'content-type': 'application/json', authorization: member.token, ...testCase.headers });
      record(`HTTP ${testCase.name}`, expectedHttp(testCase.expected), describeHttp(answer, testCase.expected));
    }
    const get = await fetch(cloud.appsync.graphqlUrl, { headers: { authorization: member.token } });
    record('HTTP GET', '405 MethodNotAllowedException', `${get.status} ${get.headers.get('x-amzn-errortype')}`);
    await stillServes('HTTP');
    expect(failures.slice(before)).toEqual([]);
  }, 60_000);

  it('answers each malformed real-time message with an error frame, keeping the connection and the server', async () => {
    const before = failures.length;
    const { client } = await realtimeConnect(cloud, { kind: 'token', token: member.token });
    try {
      for (const testCase of REALTIME_CASES) {
        client.send(testCase.message(roomId));
        const frame = await client.next((f) => f['type'] === 'error');
        const error = (frame['payload'] as { errors?: { errorType?: string; message?: string }[] } | undefined)?.errors?.[0];
        if (typeof testCase.errorType === 'string') {
          record(`real-time ${testCase.name}`, testCase.errorType, error?.errorType ?? JSON.stringify(frame));
        } else {
          const matches = error?.errorType === undefined && testCase.errorType.test(error?.message ?? '');
          record(`real-time ${testCase.name}`, 'untyped, matching message', matches ? 'untyped, matching message' : JSON.stringify(frame));
        }
      }
      const ack = await realtimeStart(client, 'after-corpus', doc.ON_MESSAGE, { roomId });
      record('real-time: the same connection subscribes afterwards', 'start_ack', String(ack['type']));
      const duplicate = await realtimeStart(client, 'after-corpus', doc.ON_MESSAGE, { roomId });
      const duplicateType = (duplicate['payload'] as { errors?: { errorType?: string }[] } | undefined)?.errors?.[0]?.errorType;
      record('real-time start with an id in use', 'DuplicatedOperationError', String(duplicateType));
    } finally {
      client.close();
    }
    // A malformed authorization subprotocol: refused in-band, the listener unharmed.
    const malformed = await handshake(cloud.appsync.realtimeUrl, [GRAPHQL_WS_SUBPROTOCOL, 'header-!!!not-base64!!!'], { ca: cloud.appsync.caCertPem });
    if ('open' in malformed) {
      malformed.open.send('{"type":"connection_init"}');
      const answer = await malformed.open.next((f) => f['type'] !== 'ka');
      const closed = await malformed.open.closed;
      const errorType = (answer['payload'] as { errors?: { errorType?: string }[] } | undefined)?.errors?.[0]?.errorType;
      record('real-time malformed authorization header', 'connection_error BadRequestException', `${String(answer['type'])} ${String(errorType)}`);
      record('real-time malformed authorization header: closed', 'closed', closed.code > 0 ? 'closed' : 'open');
    } else {
      record('real-time malformed authorization header', 'connection_error BadRequestException', `refused ${malformed.refused}`);
    }
    const fresh = await realtimeConnect(cloud, { kind: 'token', token: member.token });
    record('real-time: a new connection afterwards', 'connection_ack', String(fresh.answer['type']));
    fresh.client.close();
    await stillServes('real-time');
    expect(failures.slice(before)).toEqual([]);
  }, 60_000);

  it('answers each bad raw WebSocket message as the protocol documents, and closes for oversized or binary frames', async () => {
    const before = failures.length;
    const url = `${cloud.webSocket!.url}?token=${member.token}`;
    const opened = await handshake(url, undefined);
    if (!('open' in opened)) throw new Error(`raw handshake refused with ${opened.refused}`);
    const client = opened.open;
    try {
      for (const testCase of RAW_CASES) {
        client.send(testCase.message(roomId));
        const reply = await client.next((f) => f['type'] === 'usage' || f['type'] === 'error', 10_000);
        const actual =
          reply['type'] === 'usage'
            ? `usage ${testCase.reply.type === 'usage' && testCase.reply.reason.test(String(reply['reason'])) ? 'matching reason' : String(reply['reason'])}`
            : `error ${String((reply['error'] as { type?: string }).type)}`;
        const expected = testCase.reply.type === 'usage' ? 'usage matching reason' : `error ${testCase.reply.errorType}`;
        record(`raw ${testCase.name}`, expected, actual);
      }
      const sent = await rawRequest(client, { action: 'sendmessage', roomId, message: 'still here' });
      record('raw: the same connection sends afterwards', 'sent', String(sent['type']));
    } finally {
      client.close();
    }
    for (const testCase of RAW_CLOSE_CASES) {
      const result = await handshake(url, undefined);
      if (!('open' in result)) throw new Error(`raw handshake refused with ${result.refused}`);
      testCase.send(result.open.socket);
      const closed = await result.open.closed;
      record(`raw ${testCase.name}`, `close ${testCase.code}`, `close ${closed.code}`);
    }
    // Just under the limits: a 100 KB message in 25 KB frames is delivered (and refused by the route as too long).
    const large = await handshake(url, undefined);
    if (!('open' in large)) throw new Error('raw handshake refused');
    const text = JSON.stringify({ action: 'sendmessage', roomId, message: 'a'.repeat(100_000), requestId: 'large' });
    for (let offset = 0; offset < text.length; offset += 25_000) {
      large.open.socket.send(text.slice(offset, offset + 25_000), { fin: offset + 25_000 >= text.length });
    }
    const reply = await large.open.next((f) => f['requestId'] === 'large', 10_000);
    record('raw 100 KB message in 25 KB frames', 'error ValidationError', `${String(reply['type'])} ${String((reply['error'] as { type?: string } | undefined)?.type)}`);
    large.open.close();
    const wrongProtocol = await handshake(cloud.webSocket!.url, ['graphql-ws', member.token]);
    record('raw handshake offering only other subprotocols', 'refused 400', 'open' in wrongProtocol ? 'open' : `refused ${wrongProtocol.refused}`);
    const after = await handshake(url, undefined);
    if (!('open' in after)) throw new Error('raw handshake refused after the corpus');
    const sentAfter = await rawRequest(after.open, { action: 'sendmessage', roomId, message: 'after the corpus' });
    record('raw: a new connection sends afterwards', 'sent', String(sentAfter['type']));
    after.open.close();
    await stillServes('raw WebSocket');
    expect(failures.slice(before)).toEqual([]);
  }, 60_000);

  it('refuses header floods with 431 on every listener, and keeps serving', async () => {
    const before = failures.length;
    const huge = { 'x-flood': 'a'.repeat(20 * 1024) };
    const http = await fetch(cloud.appsync.graphqlUrl, { method: 'POST', headers: { ...huge, authorization: member.token }, body: '{}' }).then(
      (response) => `${response.status}`,
      (error: Error) => `failed: ${error.message}`,
    );
    record('AppSync HTTP with a 20 KB header', '431', http);
    const raw = await handshake(`${cloud.webSocket!.url}?token=${member.token}`, ['wavechat', 'a'.repeat(20 * 1024)]).then(
      (result) => ('open' in result ? 'open' : `refused ${result.refused}`),
      (error: Error) => `failed: ${error.message}`,
    );
    record('raw WebSocket handshake with a 20 KB subprotocol header', 'refused 431', raw);
    const realtime = await handshake(cloud.appsync.realtimeUrl, [GRAPHQL_WS_SUBPROTOCOL, encodeAuthSubprotocol({ host: 'x', Authorization: 'a'.repeat(20 * 1024) })], {
      ca: cloud.appsync.caCertPem,
    }).then(
      (result) => ('open' in result ? 'open' : `refused ${result.refused}`),
      (error: Error) => `failed: ${error.message}`,
    );
    record('real-time handshake (TLS) with a 20 KB subprotocol header', 'refused 431', realtime);
    await stillServes('header floods');
    expect(failures.slice(before)).toEqual([]);
  }, 30_000);

  it('keeps serving other clients while slow-loris upgrades dribble in a byte at a time', async () => {
    const before = failures.length;
    const upgrade = (path: string, host: string) =>
      `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n` +
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n';
    const gatewayUrl = new URL(cloud.webSocket!.url);
    const appsyncUrl = new URL(cloud.appsync.graphqlUrl);
    // Ten slow clients per listener, each 40 bytes into its request line and headers, none finished.
    const slow = await Promise.all([
      ...Array.from({ length: 10 }, () => dribble(Number(gatewayUrl.port), upgrade(`${gatewayUrl.pathname}?token=${member.token}`, gatewayUrl.host), 10, 40)),
      ...Array.from({ length: 10 }, () => dribble(Number(appsyncUrl.port), upgrade('/graphql/realtime', appsyncUrl.host), 10, 40)),
    ]);
    try {
      const started = Date.now();
      const raw = await handshake(`${cloud.webSocket!.url}?token=${member.token}`, undefined);
      if (!('open' in raw)) throw new Error('raw handshake refused during slow-loris');
      const sent = await rawRequest(raw.open, { action: 'sendmessage', roomId, message: 'during slow-loris' });
      raw.open.close();
      record('raw sendmessage during slow-loris', 'sent', String(sent['type']));
      const authorization = await realtimeAuthorization(cloud, { kind: 'token', token: member.token });
      record('real-time authorization during slow-loris', 'has host', authorization['host'] ? 'has host' : 'no host');
      const realtime = await realtimeConnect(cloud, { kind: 'token', token: member.token });
      record('real-time connect during slow-loris', 'connection_ack', String(realtime.answer['type']));
      realtime.client.close();
      await stillServes('slow-loris');
      const elapsed = Date.now() - started;
      record('other clients served promptly during slow-loris', 'under 5 s', elapsed < 5000 ? 'under 5 s' : `${elapsed} ms`);
      // The dribblers are still waiting (nothing was answered or dropped for them yet): they did not block anyone.
      record('slow clients still connected', 'open', slow.every((socket) => !socket.destroyed) ? 'open' : 'some closed');
    } finally {
      for (const socket of slow) socket.destroy();
      await Promise.all(slow.map((socket) => (socket.closed ? undefined : once(socket, 'close'))));
    }
    expect(failures.slice(before)).toEqual([]);
  }, 30_000);
});

/**
 * The real-time endpoint over real sockets with a `ws` client, against `FakeRealtimeBackend` (a test double standing
 * in for the subscription engine; see support.ts).
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ClientMessageType,
  GRAPHQL_WS_SUBPROTOCOL,
  RealtimeErrorType,
  ServerMessageType,
  SubprotocolErrorMessage,
  connectionInitMessage,
  encodeAuthQuery,
  encodeAuthSubprotocol,
  startMessage,
  stopMessage,
} from '../../../local/appsync/realtime/index.js';
import {
  API_KEY,
  PUSH_DURING_START_FIELD,
  REFUSED_FIELD,
  openSocket,
  startTestServer,
  type FrameReader,
  type TestServer,
} from './support.js';

const KEEP_ALIVE_INTERVAL_MS = 150;
const MAX_SUBSCRIPTIONS = 3;
const SUBSCRIPTION = 'subscription OnPublish {\n  onPublish {\n    id\n    text\n  }\n}\n';

let server: TestServer;
let host: string;

beforeAll(async () => {
  server = await startTestServer({
    keepAliveIntervalMs: KEEP_ALIVE_INTERVAL_MS,
    maxSubscriptionsPerConnection: MAX_SUBSCRIPTIONS,
  });
  host = `127.0.0.1:${server.port}`;
});

afterAll(async () => {
  await server?.close();
});

function wssUrl(path = '/graphql/realtime'): string {
  return `wss://${host}${path}`;
}

function apiKeyAuthorization(apiKey = API_KEY): Record<string, string> {
  return { host, 'x-amz-date': '20261123T145208Z', 'x-api-key': apiKey };
}

/** Connects the way Amplify v6 does (header- subprotocol) and completes connection_init/ack. */
async function connectAndAck(): Promise<FrameReader> {
  const reader = await openSocket(wssUrl(), [GRAPHQL_WS_SUBPROTOCOL, encodeAuthSubprotocol(apiKeyAuthorization())], {
    ca: server.certificates.caCertPem,
  });
  reader.send(connectionInitMessage());
  const { frame } = await reader.next();
  expect(frame['type']).toBe(ServerMessageType.ConnectionAck);
  return reader;
}

/** Sends a start and returns the first frame about that id. */
async function startSubscription(
  reader: FrameReader,
  id: string,
  query = SUBSCRIPTION,
  /** null: no `extensions.authorization` at all. */
  authorization: Record<string, string> | null = apiKeyAuthorization(),
): Promise<{ frame: Record<string, unknown>; text: string }> {
  reader.send(startMessage(id, { query }, authorization ?? undefined));
  return reader.next((frame) => frame['id'] === id);
}

describe('handshake', () => {
  it('accepts the header- subprotocol, selects graphql-ws, acks and sends ka at once', async () => {
    const reader = await openSocket(wssUrl(), [GRAPHQL_WS_SUBPROTOCOL, encodeAuthSubprotocol(apiKeyAuthorization())], {
      ca: server.certificates.caCertPem,
    });
    expect(reader.socket.protocol).toBe(GRAPHQL_WS_SUBPROTOCOL);
    reader.send(connectionInitMessage());
    expect((await reader.next()).text).toBe('{"type":"connection_ack","payload":{"connectionTimeoutMs":300000}}');
    expect((await reader.next()).text).toBe('{"type":"ka"}');
    const connect = server.backend.authRequests.at(-1);
    expect(connect).toEqual({
      method: 'POST',
      path: '/graphql/connect',
      headers: apiKeyAuthorization(),
      body: '{}',
      sourceIp: '127.0.0.1',
    });
    reader.socket.close();
  });

  it('accepts the raw-query form, keeping "+" of standard base64 that was not URL-encoded', async () => {
    // This value makes the base64 of the JSON contain '+' and '/', the characters form-decoding would damage.
    const authorization = { ...apiKeyAuthorization(), 'x-note': '>>>~~~???' };
    const query = encodeAuthQuery(authorization);
    expect(query).toMatch(/\+/);
    const reader = await openSocket(`${wssUrl()}?${query}`, [GRAPHQL_WS_SUBPROTOCOL], {
      ca: server.certificates.caCertPem,
    });
    reader.send(connectionInitMessage());
    expect((await reader.next()).frame['type']).toBe(ServerMessageType.ConnectionAck);
    expect(server.backend.authRequests.at(-1)).toMatchObject({ headers: authorization, body: '{}' });
    reader.socket.close();
  });

  it('accepts the raw-query form when "+" arrives as an encoded space', async () => {
    const authorization = { ...apiKeyAuthorization(), 'x-note': '>>>~~~???' };
    const query = encodeAuthQuery(authorization).replaceAll('+', '%20');
    const reader = await openSocket(`${wssUrl()}?${query}`, [GRAPHQL_WS_SUBPROTOCOL], {
      ca: server.certificates.caCertPem,
    });
    reader.send(connectionInitMessage());
    expect((await reader.next()).frame['type']).toBe(ServerMessageType.ConnectionAck);
    expect(server.backend.authRequests.at(-1)?.headers).toEqual(authorization);
    reader.socket.close();
  });

  it('accepts plain headers on the upgrade request, without the WebSocket mechanics', async () => {
    const reader = await openSocket(wssUrl(), [GRAPHQL_WS_SUBPROTOCOL], {
      ca: server.certificates.caCertPem,
      headers: { 'x-api-key': API_KEY },
    });
    reader.send(connectionInitMessage());
    expect((await reader.next()).frame['type']).toBe(ServerMessageType.ConnectionAck);
    const headers = server.backend.authRequests.at(-1)?.headers ?? {};
    expect(headers).toMatchObject({ 'x-api-key': API_KEY, host });
    expect(Object.keys(headers).filter((name) => name.startsWith('sec-websocket'))).toEqual([]);
    reader.socket.close();
  });

  it('also serves the GraphQL path itself, and upgrades over plain ws:// on the same port', async () => {
    const reader = await openSocket(`ws://${host}/graphql`, [
      GRAPHQL_WS_SUBPROTOCOL,
      encodeAuthSubprotocol(apiKeyAuthorization()),
    ]);
    reader.send(connectionInitMessage());
    expect((await reader.next()).frame['type']).toBe(ServerMessageType.ConnectionAck);
    reader.socket.close();
  });

  it('leaves other paths to the caller', async () => {
    await expect(openSocket(`ws://${host}/elsewhere`, [GRAPHQL_WS_SUBPROTOCOL])).rejects.toThrow(/404/);
  });

  it('answers a missing subprotocol with NoProtocolError and closes', async () => {
    const reader = await openSocket(wssUrl(), undefined, { ca: server.certificates.caCertPem });
    expect((await reader.next()).text).toBe(
      '{"payload":{"errors":[{"message":"NoProtocolError","errorCode":400}]},"type":"connection_error"}',
    );
    expect((await reader.closed).code).toBe(1002);
  });

  it('answers a wrong subprotocol with SubProtocolNotSupportedError, selecting none', async () => {
    // A ws client aborts when no offered protocol is selected, so read the raw upgrade response and first frame.
    const { response, firstFrame } = await rawUpgrade('/graphql/realtime', 'graphql-transport-ws');
    expect(response.statusCode).toBe(101);
    expect(response.headers['sec-websocket-protocol']).toBeUndefined();
    expect(JSON.parse(firstFrame)).toEqual({
      payload: { errors: [{ message: SubprotocolErrorMessage.NotSupported, errorCode: 400 }] },
      type: ServerMessageType.ConnectionError,
    });
  });

  it('refuses a failed connect authentication with connection_error 401, then closes', async () => {
    const disconnectsBefore = server.backend.disconnects.length;
    const reader = await openSocket(
      wssUrl(),
      [GRAPHQL_WS_SUBPROTOCOL, encodeAuthSubprotocol(apiKeyAuthorization('da2-wrong'))],
      { ca: server.certificates.caCertPem },
    );
    reader.send(connectionInitMessage());
    expect((await reader.next()).text).toBe(
      '{"payload":{"errors":[{"errorType":"UnauthorizedException","message":"You are not authorized to make this call.","errorCode":401}]},"type":"connection_error"}',
    );
    expect((await reader.closed).code).toBe(1008);
    await server.backend.until(() => server.backend.disconnects.length > disconnectsBefore);
  });

  it('refuses an undecodable header- subprotocol with a BadRequestException connection_error', async () => {
    const reader = await openSocket(wssUrl(), [GRAPHQL_WS_SUBPROTOCOL, 'header-bm90IGpzb24'], {
      ca: server.certificates.caCertPem,
    });
    reader.send(connectionInitMessage());
    const { frame } = await reader.next();
    expect(frame).toMatchObject({
      type: ServerMessageType.ConnectionError,
      payload: { errors: [{ errorType: RealtimeErrorType.BadRequest, errorCode: 400 }] },
    });
    await reader.closed;
  });

  it('ignores messages sent before connection_ack', async () => {
    const reader = await openSocket(wssUrl(), [GRAPHQL_WS_SUBPROTOCOL, encodeAuthSubprotocol(apiKeyAuthorization())], {
      ca: server.certificates.caCertPem,
    });
    reader.send(startMessage('early', { query: SUBSCRIPTION }, apiKeyAuthorization()));
    reader.send({ type: 'bogus' });
    reader.send(connectionInitMessage());
    expect((await reader.next()).frame['type']).toBe(ServerMessageType.ConnectionAck);
    // Were the early start registered, this one would be a duplicate.
    expect((await startSubscription(reader, 'early')).text).toBe('{"type":"start_ack","id":"early"}');
    expect(reader.raw.filter((text) => text.includes('bogus'))).toEqual([]);
    reader.socket.close();
  });
});

describe('keep-alive', () => {
  it('sends ka every keepAliveIntervalMs after the ack', async () => {
    const reader = await connectAndAck();
    const started = Date.now();
    for (let i = 0; i < 3; i++) await reader.next((frame) => frame['type'] === ServerMessageType.KeepAlive);
    // The first ka follows the ack immediately; two more take two intervals.
    expect(Date.now() - started).toBeGreaterThanOrEqual(KEEP_ALIVE_INTERVAL_MS * 2 - 20);
    reader.socket.close();
  });
});

describe('subscriptions', () => {
  it('start → start_ack → data → stop → complete, passing the start on to the backend', async () => {
    const reader = await connectAndAck();
    const authorization = { ...apiKeyAuthorization(), 'x-amz-user-agent': 'aws-amplify/6.22.1 api/1 framework/100' };
    const start = startMessage('sub-1', { query: SUBSCRIPTION, variables: { room: 'r1' } }, authorization);
    reader.send(start);
    expect((await reader.nextNonKeepAlive()).text).toBe('{"type":"start_ack","id":"sub-1"}');

    expect(server.backend.authRequests.at(-1)).toEqual({
      method: 'POST',
      path: '/graphql',
      headers: authorization,
      body: start.payload.data,
      sourceIp: '127.0.0.1',
    });
    const registered = server.backend.starts.at(-1);
    expect(registered).toMatchObject({ subscriptionId: 'sub-1', data: start.payload.data, headers: authorization });
    expect(registered?.auth.mode).toBe('API_KEY');

    server.backend.push('sub-1', { onPublish: { __typename: 'Msg', id: 'm1', text: 'hello' } });
    expect((await reader.nextNonKeepAlive()).text).toBe(
      '{"type":"data","id":"sub-1","payload":{"data":{"onPublish":{"__typename":"Msg","id":"m1","text":"hello"}}}}',
    );

    reader.send(stopMessage('sub-1'));
    expect((await reader.nextNonKeepAlive()).text).toBe('{"type":"complete","id":"sub-1"}');
    expect(server.backend.stops.at(-1)).toEqual({ connectionId: registered?.connectionId, subscriptionId: 'sub-1' });
    reader.socket.close();
  });

  it('delivers every frame of a busy turn, in order, on two connections, and a lone frame after it', async () => {
    // Frames sent in one turn of the event loop share a write (the socket is corked until the turn ends).
    const readers = [await connectAndAck(), await connectAndAck()];
    for (const [index, reader] of readers.entries()) {
      expect((await startSubscription(reader, `burst-${index}`)).frame['type']).toBe(ServerMessageType.StartAck);
    }
    const burst = 200;
    for (let n = 0; n < burst; n++) {
      for (const index of [0, 1]) server.backend.push(`burst-${index}`, { onPublish: { id: `m${n}`, text: 'x'.repeat(100) } });
    }
    for (const [index, reader] of readers.entries()) {
      for (let n = 0; n < burst; n++) {
        const { frame } = await reader.nextNonKeepAlive();
        expect(frame).toMatchObject({ type: 'data', id: `burst-${index}`, payload: { data: { onPublish: { id: `m${n}` } } } });
      }
    }
    // A frame alone in a later turn is not held back waiting for company.
    await new Promise((resolve) => setImmediate(resolve));
    server.backend.push('burst-0', { onPublish: { id: 'lone', text: 'y' } });
    expect((await readers[0]!.nextNonKeepAlive(1000)).frame).toMatchObject({ payload: { data: { onPublish: { id: 'lone' } } } });
    for (const reader of readers) reader.socket.close();
  });

  it('uses the connection authentication when a start carries no extensions.authorization', async () => {
    const reader = await connectAndAck();
    const authCallsBefore = server.backend.authRequests.length;
    expect((await startSubscription(reader, 'no-auth', SUBSCRIPTION, null)).frame['type']).toBe(
      ServerMessageType.StartAck,
    );
    expect(server.backend.authRequests.length).toBe(authCallsBefore);
    expect(server.backend.starts.at(-1)?.headers).toEqual(apiKeyAuthorization());
    reader.socket.close();
  });

  it('delivers events pushed while start was running right after start_ack', async () => {
    const reader = await connectAndAck();
    await startSubscription(reader, 'eager', `subscription { ${PUSH_DURING_START_FIELD} }`);
    expect((await reader.nextNonKeepAlive()).text).toBe(
      `{"type":"data","id":"eager","payload":{"data":{"${PUSH_DURING_START_FIELD}":"early"}}}`,
    );
    reader.socket.close();
  });

  it('answers malformed messages with error frames and keeps serving', async () => {
    const reader = await connectAndAck();

    reader.send('{not json');
    expect((await reader.nextNonKeepAlive()).frame).toMatchObject({
      type: ServerMessageType.Error,
      payload: { errors: [{ errorType: RealtimeErrorType.BadRequest }] },
    });

    reader.send({ payload: { data: '{}' }, type: ClientMessageType.Start });
    const noId = (await reader.nextNonKeepAlive()).frame;
    expect(noId).toMatchObject({ type: ServerMessageType.Error, payload: { errors: [{ errorType: 'BadRequestException' }] } });
    expect(noId).not.toHaveProperty('id');

    reader.send({ id: 'no-data', payload: { query: SUBSCRIPTION }, type: ClientMessageType.Start });
    expect((await reader.nextNonKeepAlive()).text).toBe(
      '{"type":"error","id":"no-data","payload":{"errors":[{"errorType":"UnsupportedOperation","message":"unknown not supported through the realtime channel"}]}}',
    );

    reader.send({ id: 'no-payload', type: ClientMessageType.Start });
    expect((await reader.nextNonKeepAlive()).frame).toMatchObject({ id: 'no-payload', type: ServerMessageType.Error });

    reader.send({
      id: 'bad-auth-shape',
      payload: { data: JSON.stringify({ query: SUBSCRIPTION }), extensions: { authorization: 'nope' } },
      type: ClientMessageType.Start,
    });
    expect((await reader.nextNonKeepAlive()).frame).toMatchObject({
      id: 'bad-auth-shape',
      payload: { errors: [{ errorType: RealtimeErrorType.BadRequest }] },
    });

    reader.send({ id: 'x', type: 'subscribe' });
    expect((await reader.nextNonKeepAlive()).frame).toMatchObject({
      id: 'x',
      type: ServerMessageType.Error,
      payload: { errors: [{ errorType: RealtimeErrorType.UnsupportedOperation }] },
    });

    expect((await startSubscription(reader, 'after-errors')).text).toBe('{"type":"start_ack","id":"after-errors"}');
    reader.socket.close();
  });

  it('refuses a duplicate subscription id and keeps the first subscription', async () => {
    const reader = await connectAndAck();
    await startSubscription(reader, 'dup');
    const duplicate = await startSubscription(reader, 'dup');
    expect(duplicate.frame).toMatchObject({
      type: ServerMessageType.Error,
      id: 'dup',
      payload: { errors: [{ errorType: RealtimeErrorType.DuplicatedOperation }] },
    });
    server.backend.push('dup', { n: 1 });
    expect((await reader.nextNonKeepAlive()).frame).toEqual({ type: 'data', id: 'dup', payload: { data: { n: 1 } } });
    reader.socket.close();
  });

  it('refuses a start whose authorization fails, without closing the socket', async () => {
    const reader = await connectAndAck();
    const refused = await startSubscription(reader, 'bad-key', SUBSCRIPTION, apiKeyAuthorization('da2-wrong'));
    expect(refused.text).toBe(
      '{"type":"error","id":"bad-key","payload":{"errors":[{"errorType":"UnauthorizedException","message":"You are not authorized to make this call."}]}}',
    );
    expect((await startSubscription(reader, 'good-key')).frame['type']).toBe(ServerMessageType.StartAck);
    reader.socket.close();
  });

  it('passes a backend refusal on as the error payload', async () => {
    const reader = await connectAndAck();
    const refused = await startSubscription(reader, 'refused', `subscription { ${REFUSED_FIELD} }`);
    expect(refused.frame).toEqual({
      type: 'error',
      id: 'refused',
      payload: {
        errors: [{ errorType: 'Unauthorized', message: `Not Authorized to access ${REFUSED_FIELD} on type Subscription` }],
      },
    });
    // The id is free again.
    expect((await startSubscription(reader, 'refused')).frame['type']).toBe(ServerMessageType.StartAck);
    reader.socket.close();
  });

  it('sends complete when the server ends a subscription, and nothing for it afterwards', async () => {
    const reader = await connectAndAck();
    await startSubscription(reader, 'doomed');
    await startSubscription(reader, 'survivor');
    server.backend.invalidate('doomed');
    expect((await reader.nextNonKeepAlive()).text).toBe('{"type":"complete","id":"doomed"}');
    server.backend.push('survivor', { still: 'here' });
    expect((await reader.nextNonKeepAlive()).frame).toMatchObject({ id: 'survivor', type: 'data' });
    expect(reader.raw.filter((text) => text.includes('"doomed"')).length).toBe(2);
    reader.socket.close();
  });

  it('limits subscriptions per connection', async () => {
    const reader = await connectAndAck();
    for (let i = 0; i < MAX_SUBSCRIPTIONS; i++) await startSubscription(reader, `s${i}`);
    expect((await startSubscription(reader, 'one-too-many')).frame).toMatchObject({
      type: ServerMessageType.Error,
      payload: {
        errors: {
          errorType: RealtimeErrorType.MaxSubscriptionsReached,
          message: `Max number of ${MAX_SUBSCRIPTIONS} subscriptions reached`,
        },
      },
    });
    reader.socket.close();
  });

  it('tells the backend when the client goes away', async () => {
    const reader = await connectAndAck();
    await startSubscription(reader, 'leaving');
    const connectionId = server.backend.starts.at(-1)?.connectionId;
    const count = server.realtime.connectionCount();
    reader.socket.close();
    await server.backend.until(() => server.backend.disconnects.includes(connectionId ?? ''));
    expect(server.backend.active.some((s) => s.connectionId === connectionId)).toBe(false);
    expect(server.realtime.connectionCount()).toBe(count - 1);
  });
});

/** A WebSocket upgrade by hand: returns the 101 response and the text of the first (unmasked, short) frame. */
function rawUpgrade(path: string, protocol: string): Promise<{ response: http.IncomingMessage; firstFrame: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request({
      host: '127.0.0.1',
      port: server.port,
      path,
      headers: {
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-version': '13',
        'sec-websocket-key': Buffer.from('0123456789abcdef').toString('base64'),
        'sec-websocket-protocol': protocol,
      },
    });
    request.on('upgrade', (response, socket, head) => {
      let buffered = head;
      const tryParse = (): void => {
        // Server frames are unmasked: byte 1 is the length when < 126 (enough for a connection_error).
        if (buffered.length < 2 || buffered.length < 2 + (buffered[1]! & 0x7f)) return;
        socket.destroy();
        resolve({ response, firstFrame: buffered.subarray(2, 2 + (buffered[1]! & 0x7f)).toString('utf8') });
      };
      socket.on('data', (chunk: Buffer) => {
        buffered = Buffer.concat([buffered, chunk]);
        tryParse();
      });
      tryParse();
    });
    request.on('error', reject);
    request.end();
  });
}

describe('server-side lifecycle', () => {
  async function openAcked(own: TestServer): Promise<FrameReader> {
    const authorization = { host: `127.0.0.1:${own.port}`, 'x-api-key': API_KEY };
    const reader = await openSocket(
      `wss://127.0.0.1:${own.port}/graphql/realtime`,
      [GRAPHQL_WS_SUBPROTOCOL, encodeAuthSubprotocol(authorization)],
      { ca: own.certificates.caCertPem },
    );
    reader.send(connectionInitMessage());
    await reader.next((frame) => frame['type'] === ServerMessageType.ConnectionAck);
    return reader;
  }

  it('closes a connection after maxConnectionDurationMs', async () => {
    const own = await startTestServer({ maxConnectionDurationMs: 300 });
    try {
      const opened = Date.now();
      const reader = await openAcked(own);
      expect((await reader.closed).code).toBe(1000);
      expect(Date.now() - opened).toBeGreaterThanOrEqual(280);
      await own.backend.until(() => own.backend.disconnects.length === 1);
    } finally {
      await own.close();
    }
  });

  it('closes every connection with 1001 on close() and tells the backend', async () => {
    const own = await startTestServer();
    try {
      const first = await openAcked(own);
      const second = await openAcked(own);
      expect(own.realtime.connectionCount()).toBe(2);
      own.realtime.close();
      expect(own.realtime.connectionCount()).toBe(0);
      expect(own.backend.disconnects.length).toBe(2);
      expect((await first.closed).code).toBe(1001);
      expect((await second.closed).code).toBe(1001);
    } finally {
      await own.close();
    }
  });
});

/**
 * API Gateway's limits and the gateway's robustness: 32 KB frames, 128 KB messages, binary frames, invalid UTF-8,
 * idle and maximum-duration timeouts, shutdown, and bad input of every kind. Functions are in-test handlers.
 */
import { connect as connectTcp } from 'node:net';
import { PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  PortInUseError,
  startWebSocketGateway,
  WebSocketApiDefinitionError,
  WebSocketGatewayOptionsError,
  type WebSocketGateway,
} from '../../local/apigateway-websocket/index.js';
import {
  connectClient,
  managementClient,
  openSocket,
  refusedStatus,
  TestFunctions,
  wrapClient,
  type TestClient,
} from './support.js';

const functions = new TestFunctions();
const routes = [
  { routeKey: '$connect', function: 'connect' },
  { routeKey: '$disconnect', function: 'disconnect' },
  { routeKey: '$default', function: 'default' },
];
let gateway: WebSocketGateway;

beforeAll(async () => {
  gateway = await startWebSocketGateway({ definition: { name: 'limits', routes }, invoke: functions.invoke });
});

afterAll(async () => {
  await gateway?.close();
});

async function disconnectOf(client: TestClient) {
  const call = await functions.invocation('disconnect', (e) => e.requestContext.connectionId === client.connectionId);
  return call.event.requestContext as { disconnectStatusCode: number; disconnectReason: string };
}

/** Sends `text` as a fragmented message of `parts` frames. */
function sendFragmented(client: TestClient, text: string, parts: number): void {
  const size = Math.ceil(text.length / parts);
  for (let i = 0; i < parts; i += 1) {
    client.socket.send(text.slice(i * size, (i + 1) * size), { fin: i === parts - 1 });
  }
}

describe('frame and message limits', () => {
  it('routes a 32 KB frame', async () => {
    const client = await connectClient(gateway.url, functions, 'connect');
    const body = 'a'.repeat(32 * 1024);
    client.socket.send(body);
    const event = (await functions.invocation('default', (e) => e.requestContext.connectionId === client.connectionId))
      .event;
    expect(event.body).toBe(body);
    client.socket.close();
  });

  it('closes with 1009 on a frame over 32 KB, without routing it', async () => {
    const client = await connectClient(gateway.url, functions, 'connect');
    client.socket.send('a'.repeat(32 * 1024 + 1));
    expect((await client.closed).code).toBe(1009);
    expect(await disconnectOf(client)).toMatchObject({
      disconnectStatusCode: 1009,
      disconnectReason: 'Message too big',
    });
    expect(functions.invocationsFor('default', client.connectionId)).toEqual([]);
  });

  it('routes a 128 KB message sent in 32 KB frames', async () => {
    const client = await connectClient(gateway.url, functions, 'connect');
    const body = 'b'.repeat(128 * 1024);
    sendFragmented(client, body, 4);
    const event = (await functions.invocation('default', (e) => e.requestContext.connectionId === client.connectionId))
      .event;
    expect(event.body).toBe(body);
    client.socket.close();
  });

  it('closes with 1009 on a message over 128 KB made of small frames', async () => {
    const client = await connectClient(gateway.url, functions, 'connect');
    sendFragmented(client, 'c'.repeat(128 * 1024 + 5), 5);
    expect((await client.closed).code).toBe(1009);
    expect((await disconnectOf(client)).disconnectStatusCode).toBe(1009);
    expect(functions.invocationsFor('default', client.connectionId)).toEqual([]);
  });

  it('still routes a message that arrived before an oversized frame in the same write', async () => {
    const client = await connectClient(gateway.url, functions, 'connect');
    client.socket.send('before');
    client.socket.send('d'.repeat(40 * 1024));
    expect((await client.closed).code).toBe(1009);
    const event = (await functions.invocation('default', (e) => e.requestContext.connectionId === client.connectionId))
      .event;
    expect(event.body).toBe('before');
    expect(functions.invocationsFor('default', client.connectionId)).toHaveLength(1);
  });

  it('closes with 1003 on a binary frame', async () => {
    const client = await connectClient(gateway.url, functions, 'connect');
    client.socket.send(Buffer.from([1, 2, 3]), { binary: true });
    expect((await client.closed).code).toBe(1003);
    expect((await disconnectOf(client)).disconnectStatusCode).toBe(1003);
    expect(functions.invocationsFor('default', client.connectionId)).toEqual([]);
  });

  it('closes with 1007 on a text frame that is not UTF-8', async () => {
    const client = await connectClient(gateway.url, functions, 'connect');
    client.socket.send(Buffer.from([0x68, 0xff, 0xfe]), { binary: false });
    expect((await client.closed).code).toBe(1007);
    expect((await disconnectOf(client)).disconnectStatusCode).toBe(1007);
  });
});

describe('timeouts', () => {
  it('closes an idle connection with 1001 and keeps an active one open', async () => {
    const idle = await startWebSocketGateway({
      definition: { name: 'idle', routes },
      invoke: functions.invoke,
      idleTimeoutMs: 500,
    });
    try {
      const started = Date.now();
      const quiet = await connectClient(idle.url, functions, 'connect');
      const chatty = await connectClient(idle.url, functions, 'connect');
      const keepAlive = setInterval(() => chatty.socket.send('still here'), 100);
      const closed = await quiet.closed;
      clearInterval(keepAlive);
      expect(closed).toEqual({ code: 1001, reason: 'Going away' });
      expect(Date.now() - started).toBeGreaterThanOrEqual(490);
      expect(await disconnectOf(quiet)).toMatchObject({ disconnectStatusCode: 1001, disconnectReason: 'Going away' });
      expect(chatty.socket.readyState).toBe(chatty.socket.OPEN);
      // Data sent to the client counts as activity too.
      const management = managementClient(idle.managementUrl);
      const pushing = setInterval(() => {
        void management
          .send(new PostToConnectionCommand({ ConnectionId: chatty.connectionId, Data: 'push' }))
          .catch(() => {});
      }, 100);
      await new Promise((resolve) => setTimeout(resolve, 600));
      clearInterval(pushing);
      expect(chatty.socket.readyState).toBe(chatty.socket.OPEN);
      expect((await chatty.closed).code).toBe(1001);
    } finally {
      await idle.close();
    }
  });

  it('closes every connection after the maximum duration, active or not', async () => {
    const short = await startWebSocketGateway({
      definition: { name: 'short', routes },
      invoke: functions.invoke,
      maxConnectionDurationMs: 300,
    });
    try {
      const client = await connectClient(short.url, functions, 'connect');
      const keepAlive = setInterval(() => client.socket.send('busy'), 50);
      expect((await client.closed).code).toBe(1001);
      clearInterval(keepAlive);
      expect((await disconnectOf(client)).disconnectStatusCode).toBe(1001);
    } finally {
      await short.close();
    }
  });
});

describe('lifecycle', () => {
  it('close() closes every socket with 1001, fires $disconnect and stops listening', async () => {
    const closing = await startWebSocketGateway({ definition: { name: 'closing', routes }, invoke: functions.invoke });
    const clients = await Promise.all([1, 2].map(() => connectClient(closing.url, functions, 'connect')));
    expect(closing.connectionCount()).toBe(2);
    await closing.close();
    expect(closing.connectionCount()).toBe(0);
    for (const client of clients) {
      expect((await client.closed).code).toBe(1001);
      expect(functions.invocationsFor('disconnect', client.connectionId)).toHaveLength(1);
    }
    await expect(fetch(closing.managementUrl)).rejects.toThrow();
  });

  it('fails with PortInUseError naming a taken port', async () => {
    const error = await startWebSocketGateway({
      definition: { name: 'second', routes },
      invoke: functions.invoke,
      port: gateway.port,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PortInUseError);
    expect((error as PortInUseError).port).toBe(gateway.port);
    expect(String((error as Error).message)).toContain(String(gateway.port));
  });

  it.each([
    ['a custom key starting with $', { name: 'x', routes: [{ routeKey: '$custom', function: 'f' }] }],
    [
      'a duplicate route',
      {
        name: 'x',
        routes: [
          { routeKey: 'a', function: 'f' },
          { routeKey: 'a', function: 'g' },
        ],
      },
    ],
    ['an unsupported selection expression', { name: 'x', routeSelectionExpression: '$request.header.x', routes: [] }],
    ['an invalid JSON path', { name: 'x', routeSelectionExpression: '$request.body.a..b', routes: [] }],
    ['an invalid stage name', { name: 'x', stageName: 'pro d', routes: [] }],
    [
      'a stage-variable identity source',
      { name: 'x', routes: [], authorizer: { function: 'a', identitySource: ['stageVariables.k'] } },
    ],
  ])('refuses a definition with %s', async (_, definition) => {
    await expect(startWebSocketGateway({ definition, invoke: functions.invoke })).rejects.toBeInstanceOf(
      WebSocketApiDefinitionError,
    );
  });

  it('refuses out-of-range options', async () => {
    const definition = { name: 'x', routes: [] };
    await expect(
      startWebSocketGateway({ definition, invoke: functions.invoke, idleTimeoutMs: 0 }),
    ).rejects.toBeInstanceOf(WebSocketGatewayOptionsError);
    await expect(startWebSocketGateway({ definition, invoke: functions.invoke, port: 70000 })).rejects.toBeInstanceOf(
      WebSocketGatewayOptionsError,
    );
    await expect(
      startWebSocketGateway({ definition, invoke: functions.invoke, apiId: 'Bad-Id' }),
    ).rejects.toBeInstanceOf(WebSocketGatewayOptionsError);
  });
});

describe('bad input', () => {
  it('survives garbage, malformed handshakes, odd requests and a misbehaving invoker', async () => {
    const port = gateway.port;
    expect(await sendRaw(port, 'not http at all\r\n\r\n')).toMatch(/^HTTP\/1\.1 400 /);
    const upgrade = 'GET /prod HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\n';
    // No Sec-WebSocket-Key, then not a WebSocket upgrade: refused before any function runs.
    expect(await sendRaw(port, `${upgrade}Upgrade: websocket\r\n\r\n`)).toMatch(/^HTTP\/1\.1 400 /);
    expect(await sendRaw(port, `${upgrade}Upgrade: h2c\r\n\r\n`)).toMatch(/^HTTP\/1\.1 400 /);
    const badEscape = await sendRaw(
      port,
      'POST /prod/@connections/%E0%A4%A HTTP/1.1\r\nHost: x\r\nAuthorization: AWS4-HMAC-SHA256 x\r\n' +
        'Content-Length: 1\r\nConnection: close\r\n\r\nx',
    );
    expect(badEscape).toMatch(/^HTTP\/1\.1 400 /);
    expect(badEscape).toContain('BadRequestException');
    expect((await fetch(`http://127.0.0.1:${port}/../../etc/passwd`)).status).toBe(403);
    expect((await fetch(`${gateway.managementUrl}/@connections/`, { method: 'PATCH' })).status).toBe(403);
    expect((await refusedStatus(`ws://127.0.0.1:${port}/elsewhere`)).status).toBe(403);

    // A frame stream cut off mid-header, then a socket dropped mid-message.
    const cut = await connectClient(gateway.url, functions, 'connect');
    (cut.socket as unknown as { _socket: { write(b: Buffer): void } })._socket.write(Buffer.from([0x81]));
    cut.socket.terminate();
    await disconnectOf(cut);

    // Invokers that throw synchronously or return odd values do not take the gateway down.
    const odd = await startWebSocketGateway({
      definition: { name: 'odd', routes },
      invoke: (functionName) => {
        if (functionName === 'default') throw new Error('synchronous failure');
        return Promise.resolve(
          functionName === 'connect' ? { statusCode: 200, headers: { 'Bad Name': 'x', Ok: { no: 1 } } } : 7,
        );
      },
    });
    try {
      const client = wrapClient(await openSocket(odd.url), '');
      client.socket.send('hello');
      expect(JSON.parse(await client.nextMessage())).toMatchObject({ message: 'Internal server error' });
      client.socket.close();
      await client.closed;
    } finally {
      await odd.close();
    }

    // Still serving.
    const client = await connectClient(gateway.url, functions, 'connect');
    await managementClient(gateway.managementUrl).send(
      new PostToConnectionCommand({ ConnectionId: client.connectionId, Data: 'alive' }),
    );
    expect(await client.nextMessage()).toBe('alive');
    client.socket.close();
  });
});

/** Writes `text` on a fresh TCP connection and waits until the server closes it. */
function sendRaw(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let answer = '';
    const socket = connectTcp(port, '127.0.0.1', () => socket.end(text));
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
  });
}

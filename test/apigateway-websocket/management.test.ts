/**
 * The `@connections` API through the real `@aws-sdk/client-apigatewaymanagementapi` (endpoint = managementUrl, any
 * credentials): its modeled exceptions must be thrown as their own classes. Functions are in-test handlers.
 */
import {
  DeleteConnectionCommand,
  ForbiddenException,
  GetConnectionCommand,
  GoneException,
  LimitExceededException,
  PayloadTooLargeException,
  PostToConnectionCommand,
  type ApiGatewayManagementApiClient,
} from '@aws-sdk/client-apigatewaymanagementapi';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebSocketGateway, type WebSocketGateway } from '../../local/apigateway-websocket/index.js';
import { ACCEPT, connectClient, managementClient, TestFunctions, type LambdaEvent } from './support.js';

const functions = new TestFunctions();
let gateway: WebSocketGateway;
let management: ApiGatewayManagementApiClient;

/** What `$connect` saw when it posted to its own, not yet established, connection. */
const postsFromConnect = new Map<string, string>();

async function failure(promise: Promise<unknown>): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  return promise.then(
    (value) => {
      throw new Error(`expected a failure, got ${JSON.stringify(value)}`);
    },
    (error: Error) => error,
  );
}

beforeAll(async () => {
  gateway = await startWebSocketGateway({
    definition: {
      name: 'management-test',
      routes: [
        { routeKey: '$connect', function: 'connect' },
        { routeKey: '$disconnect', function: 'disconnect' },
        { routeKey: '$default', function: 'default' },
      ],
    },
    invoke: functions.invoke,
  });
  management = managementClient(gateway.managementUrl);
  functions.handle('connect', async (event: LambdaEvent) => {
    if (event.queryStringParameters?.post === 'self') {
      const connectionId = event.requestContext.connectionId as string;
      const error = await failure(
        management.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: 'early' })),
      );
      postsFromConnect.set(connectionId, error.name);
    }
    return ACCEPT;
  });
});

afterAll(async () => {
  await gateway?.close();
});

describe('PostToConnection', () => {
  it('delivers UTF-8 data as a text message', async () => {
    const client = await connectClient(gateway.url, functions, 'connect');
    const output = await management.send(
      new PostToConnectionCommand({ ConnectionId: client.connectionId, Data: 'héllo' }),
    );
    expect(output.$metadata.httpStatusCode).toBe(200);
    expect(await client.nextMessage()).toBe('héllo');
    client.socket.close();
  });

  it('delivers non-UTF-8 data as a binary message', async () => {
    const client = await connectClient(gateway.url, functions, 'connect');
    const received = new Promise<{ data: Buffer; isBinary: boolean }>((resolve) =>
      client.socket.once('message', (data: Buffer, isBinary: boolean) => resolve({ data, isBinary })),
    );
    await management.send(
      new PostToConnectionCommand({ ConnectionId: client.connectionId, Data: Uint8Array.of(0xff, 0x00, 0xfe) }),
    );
    const { data, isBinary } = await received;
    expect(isBinary).toBe(true);
    expect([...data]).toEqual([0xff, 0x00, 0xfe]);
    client.socket.close();
  });

  it('delivers exactly 128 KB and refuses one byte more with PayloadTooLargeException (413)', async () => {
    const client = await connectClient(gateway.url, functions, 'connect');
    const largest = 'x'.repeat(128 * 1024);
    await management.send(new PostToConnectionCommand({ ConnectionId: client.connectionId, Data: largest }));
    expect(await client.nextMessage()).toBe(largest);
    const error = await failure(
      management.send(new PostToConnectionCommand({ ConnectionId: client.connectionId, Data: `${largest}x` })),
    );
    expect(error).toBeInstanceOf(PayloadTooLargeException);
    expect(error.$metadata?.httpStatusCode).toBe(413);
    client.socket.close();
  });

  it('throws GoneException (410) for a closed connection', async () => {
    const client = await connectClient(gateway.url, functions, 'connect');
    client.socket.close();
    await functions.invocation('disconnect', (e) => e.requestContext.connectionId === client.connectionId);
    const error = await failure(
      management.send(new PostToConnectionCommand({ ConnectionId: client.connectionId, Data: 'late' })),
    );
    expect(error).toBeInstanceOf(GoneException);
    expect(error.name).toBe('GoneException');
    // As from AWS: the error type header and no message.
    expect(error.message).toBe('UnknownError');
    expect(error.$metadata?.httpStatusCode).toBe(410);
    expect(error).not.toHaveProperty('statusCode');
  });

  it('throws GoneException for a well-formed id that never existed', async () => {
    const error = await failure(
      management.send(new PostToConnectionCommand({ ConnectionId: 'Mg_ugfpqPHcCIVA=', Data: 'x' })),
    );
    expect(error).toBeInstanceOf(GoneException);
  });

  it('throws GoneException while $connect is still running', async () => {
    const client = await connectClient(gateway.url, functions, 'connect', { query: '&post=self' });
    expect(postsFromConnect.get(client.connectionId)).toBe('GoneException');
    client.socket.close();
  });

  it('answers 400 BadRequestException for a malformed connection id', async () => {
    const error = await failure(
      management.send(new PostToConnectionCommand({ ConnectionId: 'test-connection-123', Data: 'x' })),
    );
    expect(error.name).toBe('BadRequestException');
    expect(error.$metadata?.httpStatusCode).toBe(400);
  });

  it('throws LimitExceededException (429) when the client does not read and its buffer is full', async () => {
    const client = await connectClient(gateway.url, functions, 'connect');
    // The client stops reading: kernel buffers fill first, then the gateway's own queue.
    (client.socket as unknown as { _socket: { pause(): void } })._socket.pause();
    const chunk = new Uint8Array(128 * 1024).fill(0x61);
    let error: unknown;
    for (let i = 0; i < 400 && error === undefined; i += 1) {
      await management
        .send(new PostToConnectionCommand({ ConnectionId: client.connectionId, Data: chunk }))
        .catch((e: unknown) => {
          error = e;
        });
    }
    expect(error).toBeInstanceOf(LimitExceededException);
    client.socket.terminate();
  });
});

describe('GetConnection', () => {
  it('returns ConnectedAt, Identity and LastActiveAt', async () => {
    const client = await connectClient(gateway.url, functions, 'connect', {
      headers: { 'User-Agent': 'wavechat-test/2.0' },
    });
    const connect = functions.invocationsFor('connect', client.connectionId)[0]?.event;
    const first = await management.send(new GetConnectionCommand({ ConnectionId: client.connectionId }));
    expect(first.ConnectedAt).toEqual(new Date(connect.requestContext.connectedAt));
    expect(first.Identity).toEqual({ SourceIp: '127.0.0.1', UserAgent: 'wavechat-test/2.0' });
    expect(first.LastActiveAt).toEqual(first.ConnectedAt);

    await sleep(5);
    client.socket.send('activity');
    const message = await functions.invocation('default', (e) => e.requestContext.connectionId === client.connectionId);
    const second = await management.send(new GetConnectionCommand({ ConnectionId: client.connectionId }));
    // LastActiveAt is when the last message arrived: the request time of its event.
    expect(second.LastActiveAt?.getTime()).toBe(message.event.requestContext.requestTimeEpoch);
    expect(second.LastActiveAt?.getTime()).toBeGreaterThan(first.ConnectedAt?.getTime() ?? Infinity);
    client.socket.close();
  });

  it('sends userAgent null for a client without User-Agent (the SDK drops it)', async () => {
    const client = await connectClient(gateway.url, functions, 'connect');
    const output = await management.send(new GetConnectionCommand({ ConnectionId: client.connectionId }));
    expect(output.Identity).toEqual({ SourceIp: '127.0.0.1' });
    const raw = await signedFetch(
      `${gateway.managementUrl}/@connections/${encodeURIComponent(client.connectionId)}`,
      'GET',
    );
    expect(raw.status).toBe(200);
    const body = (await raw.json()) as Record<string, unknown>;
    expect(body).toEqual({
      connectedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      identity: { sourceIp: '127.0.0.1', userAgent: null },
      lastActiveAt: expect.any(String),
    });
    client.socket.close();
  });

  it('throws GoneException for an unknown connection', async () => {
    const error = await failure(management.send(new GetConnectionCommand({ ConnectionId: 'BFHPhfCWIAMCKlQ=' })));
    expect(error).toBeInstanceOf(GoneException);
  });
});

describe('DeleteConnection', () => {
  it('closes the socket (204) and fires $disconnect with 1000 "Connection Closed Normally"', async () => {
    const client = await connectClient(gateway.url, functions, 'connect');
    const output = await management.send(new DeleteConnectionCommand({ ConnectionId: client.connectionId }));
    expect(output.$metadata.httpStatusCode).toBe(204);
    // API Gateway's close frame carries no status code.
    expect((await client.closed).code).toBe(1005);
    const event = (
      await functions.invocation('disconnect', (e) => e.requestContext.connectionId === client.connectionId)
    ).event;
    expect(event.requestContext.disconnectStatusCode).toBe(1000);
    expect(event.requestContext.disconnectReason).toBe('Connection Closed Normally');
    const error = await failure(management.send(new GetConnectionCommand({ ConnectionId: client.connectionId })));
    expect(error).toBeInstanceOf(GoneException);
  });

  it('throws GoneException for a connection already deleted', async () => {
    const client = await connectClient(gateway.url, functions, 'connect');
    await management.send(new DeleteConnectionCommand({ ConnectionId: client.connectionId }));
    const error = await failure(management.send(new DeleteConnectionCommand({ ConnectionId: client.connectionId })));
    expect(error).toBeInstanceOf(GoneException);
  });
});

describe('endpoint paths', () => {
  it.each([
    ['a wrong stage', (url: string) => url.replace(/\/prod$/, '/dev')],
    ['no stage', (url: string) => url.replace(/\/prod$/, '')],
  ])('throws ForbiddenException (403) for %s', async (_, endpointOf) => {
    const client = await connectClient(gateway.url, functions, 'connect');
    const error = await failure(
      managementClient(endpointOf(gateway.managementUrl)).send(
        new PostToConnectionCommand({ ConnectionId: client.connectionId, Data: 'x' }),
      ),
    );
    expect(error).toBeInstanceOf(ForbiddenException);
    expect(error.$metadata?.httpStatusCode).toBe(403);
    client.socket.close();
  });

  it('accepts an endpoint ending in "/" (double slash) and the %40connections spelling', async () => {
    const client = await connectClient(gateway.url, functions, 'connect');
    await managementClient(`${gateway.managementUrl}/`).send(
      new PostToConnectionCommand({ ConnectionId: client.connectionId, Data: 'one' }),
    );
    expect(await client.nextMessage()).toBe('one');
    const response = await signedFetch(
      `${gateway.managementUrl}/%40connections/${encodeURIComponent(client.connectionId)}`,
      'POST',
      'two',
    );
    expect(response.status).toBe(200);
    expect(await client.nextMessage()).toBe('two');
    client.socket.close();
  });

  it('refuses an unsigned request with 403 MissingAuthenticationTokenException', async () => {
    const client = await connectClient(gateway.url, functions, 'connect');
    const response = await fetch(`${gateway.managementUrl}/@connections/${encodeURIComponent(client.connectionId)}`, {
      method: 'POST',
      body: 'unsigned',
    });
    expect(response.status).toBe(403);
    expect(response.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
    client.socket.close();
  });
});

/** A request with a SigV4-looking Authorization header (the gateway does not verify signatures). */
function signedFetch(url: string, method: string, body?: string): Promise<Response> {
  return fetch(url, {
    method,
    ...(body === undefined ? {} : { body }),
    headers: {
      authorization:
        'AWS4-HMAC-SHA256 Credential=AKIDLOCAL/20260101/us-east-1/execute-api/aws4_request, ' +
        'SignedHeaders=host, Signature=00',
    },
  });
}

/**
 * The real aws-amplify v6 client against the real-time endpoint on the dual HTTP/HTTPS port. The engine is
 * `FakeRealtimeBackend`, a test double standing in for the subscription engine (see support.ts).
 *
 * Amplify turns `http://127.0.0.1:PORT/graphql` into `wss://127.0.0.1:PORT/graphql/realtime` and uses the global
 * `WebSocket`; the global is set to a `ws` subclass that trusts the local CA.
 */
import { Amplify } from 'aws-amplify';
import { generateClient, type GraphQLSubscription } from 'aws-amplify/api';
import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_KEY, startTestServer, type TestServer } from './support.js';

const ON_PUBLISH = /* GraphQL */ `
  subscription OnPublish {
    onPublish {
      id
      text
    }
  }
`;

interface Observed {
  readonly values: unknown[];
  readonly error: Promise<unknown>;
  unsubscribe(): void;
}

let server: TestServer;
/** `client.graphql` for subscriptions, narrowed to what the tests use (Amplify's full client type is too deep for tsc here). */
let subscribeTo: (options: { query: string; authMode?: 'apiKey'; apiKey?: string }) => {
  subscribe(observer: { next: (value: unknown) => void; error: (error: unknown) => void }): { unsubscribe(): void };
};

beforeAll(async () => {
  server = await startTestServer();
  const ca = server.certificates.caCertPem;
  class TrustingWebSocket extends WebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols, { ca });
    }
  }
  (globalThis as { WebSocket?: unknown }).WebSocket = TrustingWebSocket;
  Amplify.configure({
    API: {
      GraphQL: {
        endpoint: `http://127.0.0.1:${server.port}/graphql`,
        region: 'us-east-1',
        defaultAuthMode: 'apiKey',
        apiKey: API_KEY,
      },
    },
  });
  const client = generateClient();
  subscribeTo = (options) => client.graphql<GraphQLSubscription<unknown>>(options);
});

afterAll(async () => {
  await server?.close();
});

function observe(options: { apiKey?: string } = {}): Observed {
  const values: unknown[] = [];
  let rejectWith: (error: unknown) => void = () => {};
  const error = new Promise<unknown>((resolve) => (rejectWith = resolve));
  const observable = subscribeTo({
    query: ON_PUBLISH,
    ...(options.apiKey === undefined ? {} : { authMode: 'apiKey' as const, apiKey: options.apiKey }),
  });
  const subscription = observable.subscribe({ next: (value) => values.push(value), error: rejectWith });
  return { values, error, unsubscribe: () => subscription.unsubscribe() };
}

function errorMessage(error: unknown): string {
  return (error as { errors?: { message?: string }[] }).errors?.[0]?.message ?? JSON.stringify(error);
}

describe('aws-amplify v6 client', () => {
  it('reports a refused connect as "Connection failed: UnauthorizedException"', async () => {
    const observed = observe({ apiKey: 'da2-wrong' });
    expect(errorMessage(await observed.error)).toBe('Connection failed: UnauthorizedException');
    const connect = server.backend.authRequests.at(-1);
    expect(connect).toMatchObject({
      path: '/graphql/connect',
      body: '{}',
      headers: { host: `127.0.0.1:${server.port}`, 'x-api-key': 'da2-wrong' },
    });
    observed.unsubscribe();
  });

  it('subscribes over wss://, receives pushed data, and stops on unsubscribe', async () => {
    const observed = observe();
    await server.backend.until(() => server.backend.active.length === 1);
    const start = server.backend.starts.at(-1);
    expect(JSON.parse(start?.data ?? '{}')).toMatchObject({ query: expect.stringContaining('onPublish') });
    expect(start?.headers).toMatchObject({ 'x-api-key': API_KEY, 'x-amz-user-agent': expect.stringMatching(/^aws-amplify\/6/) });

    const subscriptionId = start?.subscriptionId ?? '';
    server.backend.push(subscriptionId, { onPublish: { __typename: 'Msg', id: 'srv-1', text: 'pushed by server' } });
    await expect.poll(() => observed.values.length).toBe(1);
    expect(observed.values[0]).toEqual({
      data: { onPublish: { __typename: 'Msg', id: 'srv-1', text: 'pushed by server' } },
    });

    observed.unsubscribe();
    await server.backend.until(() => server.backend.stops.some((s) => s.subscriptionId === subscriptionId));
    expect(server.backend.active).toEqual([]);
  });

  it('reports a refused start with its error payload (Amplify then recycles the socket)', async () => {
    const healthy = observe();
    await server.backend.until(() => server.backend.active.length === 1);
    const refused = observe({ apiKey: 'da2-wrong' });
    const message = errorMessage(await refused.error);
    expect(message.startsWith('Connection failed: ')).toBe(true);
    expect(JSON.parse(message.slice('Connection failed: '.length))).toEqual({
      errors: [{ errorType: 'UnauthorizedException', message: 'You are not authorized to make this call.' }],
    });
    refused.unsubscribe();
    healthy.unsubscribe();
  });
});

/**
 * Shared pieces of the API Gateway WebSocket tests: in-test Lambda handlers (test doubles of the app's functions,
 * run through the real `invokeLambda` as the local cloud runs them), `ws` clients, and the real management SDK.
 */
import { randomUUID } from 'node:crypto';
import { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import { WebSocket, type ClientOptions } from 'ws';
import { invokeLambda } from '../../local/lambda/invoke.js';

/** An event as a test reads it (the JSON a function receives). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type LambdaEvent = any;

export interface Invocation {
  readonly functionName: string;
  readonly event: LambdaEvent;
}

/** The functions of a test API: handlers by name, and a log of every invocation with its event. */
export class TestFunctions {
  readonly invocations: Invocation[] = [];
  private readonly handlers = new Map<string, (event: LambdaEvent) => unknown>();
  private readonly waiters = new Set<() => void>();

  /** Sets (or replaces) the handler of `functionName`. */
  handle(functionName: string, handler: (event: LambdaEvent) => unknown): void {
    this.handlers.set(functionName, handler);
  }

  /** The `invoke` option of the gateway. Unknown functions succeed with `{ statusCode: 200 }`. */
  readonly invoke = (functionName: string, event: unknown): Promise<unknown> => {
    const received = JSON.parse(JSON.stringify(event)) as LambdaEvent;
    this.invocations.push({ functionName, event: received });
    for (const wake of this.waiters) wake();
    const handler = this.handlers.get(functionName) ?? (() => ({ statusCode: 200 }));
    return invokeLambda(async (input: LambdaEvent) => handler(input), event, { functionName, timeoutMs: 10_000 });
  };

  /** The first invocation of `functionName` matching `matches`, waiting for it if it has not happened yet. */
  invocation(functionName: string, matches: (event: LambdaEvent) => boolean = () => true): Promise<Invocation> {
    const find = () => this.invocations.find((call) => call.functionName === functionName && matches(call.event));
    return new Promise((resolve) => {
      const found = find();
      if (found !== undefined) {
        resolve(found);
        return;
      }
      const wake = () => {
        const later = find();
        if (later === undefined) return;
        this.waiters.delete(wake);
        resolve(later);
      };
      this.waiters.add(wake);
    });
  }

  /** Invocations of `functionName` for one connection. */
  invocationsFor(functionName: string, connectionId: string): Invocation[] {
    return this.invocations.filter(
      (call) => call.functionName === functionName && call.event.requestContext?.connectionId === connectionId,
    );
  }
}

/** A connected client with its connection id (read from the `$connect` event it caused). */
export interface TestClient {
  readonly socket: WebSocket;
  readonly connectionId: string;
  /** Messages received so far; `nextMessage` waits for one not yet taken. */
  nextMessage(): Promise<string>;
  /** The close code and reason the client saw. */
  readonly closed: Promise<{ code: number; reason: string }>;
}

/**
 * Connects to `url` with a unique `client` query parameter so the `$connect` (or authorizer) event can be matched.
 * Rejects with the HTTP status when the handshake is refused.
 */
export async function connectClient(
  url: string,
  functions: TestFunctions,
  connectFunction: string,
  options: { protocols?: string[]; headers?: Record<string, string>; query?: string } = {},
): Promise<TestClient> {
  const tag = randomUUID();
  const socket = await openSocket(`${url}?client=${tag}${options.query ?? ''}`, options);
  const connectEvent = await functions.invocation(
    connectFunction,
    (event) => event.queryStringParameters?.client === tag,
  );
  return wrapClient(socket, connectEvent.event.requestContext.connectionId as string);
}

/** Thrown by `openSocket` when the server answers the handshake with a status other than 101. */
export class HandshakeRefusedError extends Error {
  constructor(
    readonly status: number,
    readonly headers: Record<string, string | string[] | undefined>,
    readonly body: string,
  ) {
    super(`handshake refused with HTTP ${status}`);
  }
}

/** Opens a `ws` socket; rejects with {@link HandshakeRefusedError} for an HTTP answer, or the client's error. */
export function openSocket(
  url: string,
  options: { protocols?: string[]; headers?: Record<string, string> } & ClientOptions = {},
): Promise<WebSocket> {
  const { protocols, ...clientOptions } = options;
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, protocols ?? [], clientOptions);
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
    socket.once('unexpected-response', (_request, response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => reject(new HandshakeRefusedError(response.statusCode ?? 0, response.headers, body)));
    });
  });
}

/** The HTTP status a refused handshake gets. */
export async function refusedStatus(
  url: string,
  options: { headers?: Record<string, string> } = {},
): Promise<HandshakeRefusedError> {
  try {
    const socket = await openSocket(url, options);
    socket.terminate();
  } catch (error) {
    if (error instanceof HandshakeRefusedError) return error;
    throw error;
  }
  throw new Error(`the handshake to ${url} was accepted`);
}

export function wrapClient(socket: WebSocket, connectionId: string): TestClient {
  const received: string[] = [];
  const waiting: Array<(message: string) => void> = [];
  socket.on('message', (data: Buffer) => {
    const message = data.toString('utf8');
    const waiter = waiting.shift();
    if (waiter === undefined) received.push(message);
    else waiter(message);
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.once('close', (code: number, reason: Buffer) => resolve({ code, reason: reason.toString('utf8') })),
  );
  socket.on('error', () => {});
  return {
    socket,
    connectionId,
    closed,
    nextMessage: () => {
      const message = received.shift();
      return message === undefined ? new Promise((resolve) => waiting.push(resolve)) : Promise.resolve(message);
    },
  };
}

/** The real management SDK client against the gateway (credentials are accepted, never verified). */
export function managementClient(endpoint: string, maxAttempts = 1): ApiGatewayManagementApiClient {
  return new ApiGatewayManagementApiClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local-secret' },
    maxAttempts,
  });
}

/** What a handler returns to accept a `$connect`. */
export const ACCEPT = { statusCode: 200 } as const;

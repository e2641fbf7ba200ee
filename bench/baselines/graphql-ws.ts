/**
 * Baseline 2, what a self-hoster would pick: graphql-js with `graphql-ws` (protocol `graphql-transport-ws`) and an
 * in-memory pub/sub, serving the chat API's `Message` type with the same subscription shape —
 * `onMessage(roomId)` fed by `sendMessage(input: {roomId, body})`. Mutations come over `POST /graphql` (as on
 * AppSync); each subscriber's event is executed and serialised for that subscriber, as graphql-ws does.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSchema, graphql, type GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { baselineMessage, messageTypeDefinitions, readJson, type BaselineMessage, type PublishInput } from './message.js';

type Listener = (message: BaselineMessage) => void;

/** The in-memory pub/sub: one set of listeners per room. */
class RoomPubSub {
  private readonly rooms = new Map<string, Set<Listener>>();
  subscriptions = 0;

  publish(message: BaselineMessage): void {
    for (const listener of this.rooms.get(message.roomId) ?? []) listener(message);
  }

  /** An async iterator of the room's messages as graphql-js subscriptions take it; `return()` unsubscribes. */
  subscribe(roomId: string): AsyncIterableIterator<{ onMessage: BaselineMessage }> {
    const queue: BaselineMessage[] = [];
    let waiting: ((result: IteratorResult<{ onMessage: BaselineMessage }>) => void) | undefined;
    let room = this.rooms.get(roomId);
    if (!room) this.rooms.set(roomId, (room = new Set()));
    const listeners = room;
    const listener: Listener = (message) => {
      if (waiting) {
        const resolve = waiting;
        waiting = undefined;
        resolve({ value: { onMessage: message }, done: false });
      } else queue.push(message);
    };
    listeners.add(listener);
    this.subscriptions += 1;
    const end = (): Promise<IteratorResult<{ onMessage: BaselineMessage }>> => {
      if (listeners.delete(listener)) this.subscriptions -= 1;
      waiting?.({ value: undefined, done: true });
      waiting = undefined;
      return Promise.resolve({ value: undefined, done: true });
    };
    return {
      next: () => {
        const message = queue.shift();
        if (message) return Promise.resolve({ value: { onMessage: message }, done: false });
        if (!listeners.has(listener)) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => (waiting = resolve));
      },
      return: end,
      throw: end,
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  }
}

function chatSchema(pubsub: RoomPubSub): GraphQLSchema {
  const schema = buildSchema(`
    ${messageTypeDefinitions()}
    input SendMessageInput { roomId: ID! body: String! }
    type Query { ok: Boolean }
    type Mutation { sendMessage(input: SendMessageInput!): Message! }
    type Subscription { onMessage(roomId: ID!): Message }
  `);
  const mutation = schema.getMutationType()!.getFields()['sendMessage']!;
  mutation.resolve = (_source, args: { input: PublishInput }) => {
    const message = baselineMessage(args.input, 'bench-author');
    pubsub.publish(message);
    return message;
  };
  const subscription = schema.getSubscriptionType()!.getFields()['onMessage']!;
  subscription.subscribe = (_source, args: { roomId: string }) => pubsub.subscribe(args.roomId);
  return schema;
}

/**
 * Starts the server on a free port of 127.0.0.1.
 *
 * @example
 * ```ts
 * const server = await startGraphqlWsServer();
 * console.log(server.endpoints.subscribeUrl); // ws://127.0.0.1:<port>/graphql, protocol graphql-transport-ws
 * await server.stop();
 * ```
 */
export async function startGraphqlWsServer() {
  const pubsub = new RoomPubSub();
  const schema = chatSchema(pubsub);
  const http_ = http.createServer((request, response) => {
    if (request.method === 'GET' && request.url === '/stats') {
      response.end(JSON.stringify({ subscriptions: pubsub.subscriptions }));
      return;
    }
    if (request.method !== 'POST' || request.url !== '/graphql') {
      response.writeHead(404).end();
      return;
    }
    readJson(request)
      .then((body) => {
        const { query, variables } = body as { query: string; variables?: Record<string, unknown> };
        return graphql({ schema, source: query, variableValues: variables });
      })
      .then(
        (result) => {
          response.setHeader('content-type', 'application/json');
          response.end(JSON.stringify(result));
        },
        () => response.writeHead(400).end(),
      );
  });
  const wss = new WebSocketServer({ server: http_, path: '/graphql' });
  const cleanup = useServer({ schema }, wss);
  await new Promise<void>((resolve) => http_.listen(0, '127.0.0.1', resolve));
  const { port } = http_.address() as AddressInfo;
  return {
    endpoints: {
      publishUrl: `http://127.0.0.1:${port}/graphql`,
      subscribeUrl: `ws://127.0.0.1:${port}/graphql`,
      statsUrl: `http://127.0.0.1:${port}/stats`,
    },
    async stop(): Promise<void> {
      await cleanup.dispose();
      wss.close();
      await new Promise((resolve) => http_.close(resolve));
    },
  };
}

/**
 * One app user: the unmodified aws-amplify v6 client in its own worker thread (Amplify's Auth is a singleton per
 * module instance, so each user needs its own). Driven by {@link AmplifyUser} over messages.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { WebSocket as NodeWebSocket } from 'ws';
import { Amplify, type ResourcesConfig } from 'aws-amplify';
import { Hub } from 'aws-amplify/utils';
import { signIn, signOut } from 'aws-amplify/auth';
import { generateClient } from 'aws-amplify/api';
import type { WorkerCommand, WorkerEvent } from './amplify-user.js';

interface InitData {
  readonly outputs: { custom: { wavechat: { userPoolEndpoint: string } } } & Record<string, unknown>;
  readonly caPem: string;
}

const { outputs, caPem } = workerData as InitData;
const port = parentPort!;
const post = (event: WorkerEvent) => port.postMessage(event);

// Amplify opens wss:// to any non-AWS endpoint; Node 20 has no global WebSocket. Give it ws, trusting the local CA.
class TrustingWebSocket extends NodeWebSocket {
  constructor(url: string, protocols?: string | string[]) {
    super(url, protocols, { ca: caPem });
  }
}
(globalThis as { WebSocket?: unknown }).WebSocket = TrustingWebSocket;

Amplify.configure(outputs as never);
const config = Amplify.getConfig();
// amplify_outputs.json has no key for a custom user-pool endpoint: the local one travels under custom.
Amplify.configure({
  ...config,
  Auth: { Cognito: { ...config.Auth!.Cognito, userPoolEndpoint: outputs.custom.wavechat.userPoolEndpoint } },
} as ResourcesConfig);

Hub.listen('api', ({ payload }) => {
  if (payload.event === 'Subscription ack') post({ kind: 'ack' });
});

const client = generateClient();
const subscriptions = new Map<string, { unsubscribe(): void }>();

port.on('message', async (command: WorkerCommand) => {
  try {
    switch (command.op) {
      case 'signIn': {
        const result = await signIn({
          username: command.email,
          password: command.password,
          options: { authFlowType: 'USER_PASSWORD_AUTH' },
        });
        post({ kind: 'result', id: command.id, ok: true, value: result });
        break;
      }
      case 'signOut':
        await signOut();
        post({ kind: 'result', id: command.id, ok: true, value: null });
        break;
      case 'graphql': {
        const result = await client.graphql({ query: command.query, variables: command.variables });
        post({ kind: 'result', id: command.id, ok: true, value: result });
        break;
      }
      case 'subscribe': {
        const observable = client.graphql({ query: command.query, variables: command.variables }) as unknown as {
          subscribe(o: { next(v: unknown): void; error(e: unknown): void }): { unsubscribe(): void };
        };
        const subscription = observable.subscribe({
          next: (value) => post({ kind: 'next', subscription: command.subscription, value: toPlain(value) }),
          error: (error) => post({ kind: 'error', subscription: command.subscription, value: toPlain(error) }),
        });
        subscriptions.set(command.subscription, subscription);
        post({ kind: 'result', id: command.id, ok: true, value: null });
        break;
      }
      case 'unsubscribe':
        subscriptions.get(command.subscription)?.unsubscribe();
        subscriptions.delete(command.subscription);
        post({ kind: 'result', id: command.id, ok: true, value: null });
        break;
    }
  } catch (error) {
    post({ kind: 'result', id: command.id, ok: false, value: toPlain(error) });
  }
});

/** Amplify rejects with GraphQL results and GraphQLError objects; keep what crosses the thread boundary plain. */
function toPlain(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (_key, v: unknown) => (v instanceof Error ? { ...v, message: v.message, name: v.name } : v)));
}

post({ kind: 'ready' });

/**
 * One app user: wavechat's SDK (`createChat`, on aws-amplify v6) in its own worker thread, since Amplify is one per
 * realm. Runs the calls {@link SdkUser} forwards and posts back results, refusals, subscription events and the
 * real-time connection's states.
 */
import { parentPort } from 'node:worker_threads';
import { CONNECTION_STATE_CHANGE, type ConnectionState } from 'aws-amplify/api';
import { Hub } from 'aws-amplify/utils';
import { createChat, type ChatSubscription } from '../../clients/sdk/index.js';
import {
  isCallbackRef,
  toWireError,
  toWireValue,
  type SdkConfigure,
  type SdkReply,
  type SdkRequest,
} from './sdk-user-protocol.js';

const port = parentPort!;
const post = (reply: SdkReply) => port.postMessage(reply);

// The outputs come in a first message rather than as workerData, so the thread loads its modules (aws-amplify
// above all) while the local cloud is still starting.
const { outputs } = await new Promise<SdkConfigure>((resolve) => port.once('message', resolve));
const chat = await createChat(outputs);
Hub.listen('api', ({ payload }) => {
  if (payload.event !== CONNECTION_STATE_CHANGE) return;
  const { connectionState } = payload.data as { connectionState: ConnectionState };
  post({ kind: 'connectionState', state: connectionState });
});
const subscriptions = new Map<number, ChatSubscription>();
let nextSubscriptionId = 1;

/** Callback refs become functions that post their calls back; nested options objects are walked too. */
function revive(value: unknown): unknown {
  if (isCallbackRef(value)) {
    const { callbackId } = value;
    return (...args: unknown[]) => post({ kind: 'callback', callbackId, args: args.map(toWireValue) });
  }
  if (Array.isArray(value)) return value.map(revive);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, revive(entry)]));
  }
  return value;
}

function isSubscription(value: unknown): value is ChatSubscription {
  return typeof value === 'object' && value !== null && typeof (value as ChatSubscription).unsubscribe === 'function';
}

async function handle(request: SdkRequest): Promise<void> {
  if (request.kind === 'unsubscribe') {
    subscriptions.get(request.subscriptionId)?.unsubscribe();
    subscriptions.delete(request.subscriptionId);
    post({ kind: 'result', id: request.id, value: null });
    return;
  }
  const group = (chat as unknown as Record<string, Record<string, (...args: unknown[]) => Promise<unknown>>>)[
    request.group
  ];
  const method = group?.[request.method];
  if (method === undefined) throw new Error(`The SDK has no ${request.group}.${request.method}`);
  const value = await method(...request.args.map(revive));
  if (isSubscription(value)) {
    const subscriptionId = nextSubscriptionId++;
    subscriptions.set(subscriptionId, value);
    post({ kind: 'subscribed', id: request.id, subscriptionId });
  } else {
    post({ kind: 'result', id: request.id, value });
  }
}

port.on('message', (request: SdkRequest) => {
  handle(request).catch((error: unknown) => post({ kind: 'failure', id: request.id, error: toWireError(error) }));
});

post({ kind: 'ready' });

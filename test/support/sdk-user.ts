/**
 * Signed-in users of wavechat's SDK for end-to-end tests: each runs `createChat(outputs)` in its own worker thread
 * (Amplify is one per realm, so one user per thread, each with its own real-time socket, as separate apps would),
 * and the test drives it through `user.chat`, a typed remote of the SDK's `Chat`: the same groups and methods,
 * results as promises, refusals as ChatApiErrors, subscription events delivered to handlers on the test side.
 */
import { Worker } from 'node:worker_threads';
import { expect } from 'vitest';
import type { LocalCloud } from '../../local/cloud.js';
import type { Chat, ChatOutputs, ChatSubscription } from '../../clients/sdk/index.js';
import { ChatApiError } from '../../clients/sdk/errors.js';
import { addUser, startChatCloud } from './cloud.js';
import {
  fromWireError,
  fromWireValue,
  type CallbackRef,
  type SdkConfigure,
  type SdkReply,
  type SdkRequest,
} from './sdk-user-protocol.js';
import { bundledWorker } from './worker-bundle.js';

/** A subscription of a remote SDK: ending it is a round trip to the worker. */
export interface RemoteSubscription {
  unsubscribe(): Promise<void>;
}

type RemoteResult<R> = R extends ChatSubscription ? RemoteSubscription : R;

/** One API group of the SDK (`rooms`, `messages`, …) called across the thread boundary. */
export type RemoteGroup<G> = {
  readonly [M in keyof G]: G[M] extends (...args: infer A) => Promise<infer R>
    ? (...args: A) => Promise<RemoteResult<R>>
    : never;
};

/** The SDK's chat API as a test drives it in a worker: every method returns a promise of what the SDK returns. */
export type Remote<C> = { readonly [G in keyof C]: RemoteGroup<C[G]> };

type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

interface PendingCall {
  resolve(value: unknown): void;
  reject(error: unknown): void;
  /** The handlers passed with the call: dropped when it fails or its subscription ends. */
  readonly callbackIds: number[];
}

const WORKER_ENTRY = new URL('./sdk-user-worker.ts', import.meta.url);

/**
 * A new SDK worker thread, which starts loading its modules (aws-amplify above all) at once: spawn workers before
 * the cloud is up and hand them to {@link SdkUser.signUp}, which configures them.
 */
export async function spawnSdkWorker(): Promise<Worker> {
  return new Worker(await bundledWorker(WORKER_ENTRY));
}

export interface SdkUserOptions {
  /** A worker from {@link spawnSdkWorker}. @default a new one */
  readonly worker?: Promise<Worker>;
  /** What the worker's `createChat` gets, e.g. the GraphQL URL through a proxy. @default the cloud's outputs */
  readonly outputs?: ChatOutputs;
}

/** The worker once it ran `createChat` with the outputs. */
async function configured(worker: Worker, outputs: ChatOutputs, name: string): Promise<Worker> {
  await new Promise<void>((resolve, reject) => {
    worker.once('error', reject);
    worker.once('message', (reply: SdkReply) => {
      if (reply.kind === 'ready') resolve();
      else reject(new Error(`${name}'s worker said ${reply.kind} before it was ready`));
    });
    worker.postMessage({ outputs } satisfies SdkConfigure);
  });
  return worker;
}

/** One signed-in user: their id (Cognito sub) and their own SDK in a worker thread. */
export class SdkUser {
  readonly chat: Remote<Chat>;
  private readonly pending = new Map<number, PendingCall>();
  private readonly callbacks = new Map<number, (...args: unknown[]) => void>();
  private nextId = 1;
  private state: string | undefined;
  private connectedBefore = false;
  private reconnectCount = 0;

  private constructor(
    readonly name: string,
    /** The user's id (Cognito sub). */
    readonly id: string,
    private readonly worker: Worker,
  ) {
    worker.on('message', (reply: SdkReply) => this.onReply(reply));
    // A crashed worker answers nothing more: fail what waits for it rather than time out.
    worker.on('error', (error) => {
      this.pending.forEach((pending) => pending.reject(error));
      this.pending.clear();
    });
    this.chat = new Proxy({} as Remote<Chat>, {
      get: (_target, group) =>
        typeof group !== 'string' || group === 'then'
          ? undefined
          : new Proxy(
              {},
              {
                get: (_groupTarget, method) =>
                  typeof method !== 'string' || method === 'then'
                    ? undefined
                    : (...args: unknown[]) => this.call(group, method, args),
              },
            ),
    });
  }

  /**
   * Creates a user in the cloud's pool and signs them in through the SDK in a worker.
   *
   * @example
   * const proxied = { ...cloud.outputs, data: { ...cloud.outputs.data, url: proxyUrl } };
   * const user = await SdkUser.signUp(cloud, 'ana', { outputs: proxied });
   */
  static async signUp(cloud: LocalCloud, name: string, options: SdkUserOptions = {}): Promise<SdkUser> {
    const worker = await (options.worker ?? spawnSdkWorker());
    try {
      const [{ email, password, sub }] = await Promise.all([
        addUser(cloud, name),
        configured(worker, options.outputs ?? cloud.outputs, name),
      ]);
      const user = new SdkUser(name, sub, worker);
      const signedIn = await user.chat.auth.signIn(email, password);
      if (!signedIn.isSignedIn) throw new Error(`${name} could not sign in: ${JSON.stringify(signedIn)}`);
      return user;
    } catch (error) {
      await worker.terminate();
      throw error;
    }
  }

  /** Amplify's real-time connection state (`Connected`, `ConnectionDisrupted`, …) as last reported; none before. */
  get connectionState(): string | undefined {
    return this.state;
  }

  /** How often the real-time connection came back to `Connected` after it had been connected before. */
  get reconnects(): number {
    return this.reconnectCount;
  }

  close(): Promise<number> {
    return this.worker.terminate();
  }

  private call(group: string, method: string, args: readonly unknown[]): Promise<unknown> {
    const callbackIds: number[] = [];
    const encoded = args.map((arg) => this.encode(arg, callbackIds));
    return this.send({ kind: 'call', group, method, args: encoded }, callbackIds);
  }

  private send(request: WithoutId<SdkRequest>, callbackIds: number[] = []): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, callbackIds });
      this.worker.postMessage({ ...request, id });
    });
  }

  /** Functions become callback refs; arrays and plain objects (options) are walked. */
  private encode(value: unknown, callbackIds: number[]): unknown {
    if (typeof value === 'function') {
      const callbackId = this.nextId++;
      this.callbacks.set(callbackId, value as (...args: unknown[]) => void);
      callbackIds.push(callbackId);
      return { callbackId } satisfies CallbackRef;
    }
    if (Array.isArray(value)) return value.map((item) => this.encode(item, callbackIds));
    if (typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
      return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, this.encode(entry, callbackIds)]));
    }
    return value;
  }

  private onReply(reply: SdkReply): void {
    if (reply.kind === 'callback') {
      this.callbacks.get(reply.callbackId)?.(...reply.args.map(fromWireValue));
      return;
    }
    if (reply.kind === 'connectionState') {
      const connected = reply.state === 'Connected';
      if (connected && this.connectedBefore && this.state !== 'Connected') this.reconnectCount += 1;
      this.connectedBefore ||= connected;
      this.state = reply.state;
      return;
    }
    if (reply.kind === 'ready') return;
    const pending = this.pending.get(reply.id);
    if (pending === undefined) return;
    this.pending.delete(reply.id);
    const dropCallbacks = () => pending.callbackIds.forEach((callbackId) => this.callbacks.delete(callbackId));
    if (reply.kind === 'failure') {
      dropCallbacks();
      pending.reject(fromWireError(reply.error));
    } else if (reply.kind === 'subscribed') {
      const { subscriptionId } = reply;
      pending.resolve({
        unsubscribe: async () => {
          await this.send({ kind: 'unsubscribe', subscriptionId });
          dropCallbacks();
        },
      } satisfies RemoteSubscription);
    } else {
      dropCallbacks();
      pending.resolve(reply.value);
    }
  }
}

export interface SdkSession<Name extends string> {
  readonly cloud: LocalCloud;
  readonly users: Record<Name, SdkUser>;
  stop(): Promise<void>;
}

/**
 * Starts the chat API's local cloud and signs in one SDK user per name, in parallel.
 *
 * @example
 * const session = await startSdkSession(['owner', 'member'] as const);
 * const { owner } = session.users;
 * const room = await owner.chat.rooms.create({ name: 'general', visibility: 'PUBLIC' });
 * await session.stop();
 */
export async function startSdkSession<Name extends string>(names: readonly Name[]): Promise<SdkSession<Name>> {
  // The workers load aws-amplify while the cloud starts.
  const spawned = names.map(() => spawnSdkWorker());
  let cloud: LocalCloud;
  try {
    cloud = await startChatCloud();
  } catch (error) {
    await Promise.all(spawned.map(async (worker) => (await worker).terminate()));
    throw error;
  }
  const signedUp = await Promise.allSettled(
    names.map((name, index) => SdkUser.signUp(cloud, name, { worker: spawned[index] })),
  );
  const started = signedUp.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
  const failure = signedUp.find((outcome) => outcome.status === 'rejected');
  if (failure !== undefined) {
    await Promise.all(started.map((user) => user.close()));
    await cloud.stop();
    throw failure.reason;
  }
  const users = Object.fromEntries(started.map((user) => [user.name, user])) as Record<Name, SdkUser>;
  return {
    cloud,
    users,
    async stop() {
      await Promise.all(started.map((user) => user.close()));
      await cloud.stop();
    },
  };
}

/**
 * The refusal of an operation that must fail with a ChatApiError: its first GraphQL error's type and message.
 * Fails the test when the operation succeeds or fails otherwise.
 *
 * @example
 * expect(await refusal(outsider.chat.members.list(roomId))).toEqual({ errorType: 'Unauthorized', message: '…' });
 */
export async function refusal(operation: Promise<unknown>): Promise<{ errorType?: string; message: string }> {
  const outcome = await operation.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  if (outcome.ok) throw new Error(`The operation succeeded: ${JSON.stringify(outcome.value)}`);
  expect(outcome.error).toBeInstanceOf(ChatApiError);
  const [first] = (outcome.error as ChatApiError).errors;
  expect(first).toBeDefined();
  return { errorType: first?.errorType, message: first?.message ?? '' };
}

/**
 * Collects a subscription's events (pass `push` as the handler, `fail` as onError) and waits for them.
 *
 * @example
 * const typing = new EventLog<ChatTypingEvent>();
 * await member.chat.typing.subscribe(roomId, typing.push, typing.fail);
 * expect(await typing.next(1)).toEqual([...]);
 */
export class EventLog<T> {
  readonly items: T[] = [];
  readonly errors: ChatApiError[] = [];
  private readonly waiters = new Set<() => void>();

  readonly push = (item: T): void => {
    this.items.push(item);
    this.waiters.forEach((wake) => wake());
  };

  readonly fail = (error: ChatApiError): void => {
    this.errors.push(error);
    this.waiters.forEach((wake) => wake());
  };

  /** Resolves with the first `count` events once they arrived; rejects on a subscription error or a timeout. */
  next(count: number, timeoutMs = 10_000): Promise<T[]> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`Timed out after ${timeoutMs} ms with ${this.items.length} of ${count} events`));
      }, timeoutMs);
      const check = () => {
        if (this.errors.length === 0 && this.items.length < count) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        if (this.errors.length > 0) reject(this.errors[0]);
        else resolve(this.items.slice(0, count));
      };
      this.waiters.add(check);
      check();
    });
  }
}

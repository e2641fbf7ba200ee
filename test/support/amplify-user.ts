/**
 * Drives one aws-amplify v6 user in a worker thread, so a test can have several signed-in users at once, each
 * with its own real-time socket, exactly as separate apps would.
 */
import { Worker } from 'node:worker_threads';
import { bundledWorker } from './worker-bundle.js';

export type WorkerCommand =
  | { readonly id: number; readonly op: 'signIn'; readonly email: string; readonly password: string }
  | { readonly id: number; readonly op: 'signOut' }
  | { readonly id: number; readonly op: 'graphql'; readonly query: string; readonly variables?: Record<string, unknown> }
  | {
      readonly id: number;
      readonly op: 'subscribe';
      readonly subscription: string;
      readonly query: string;
      readonly variables?: Record<string, unknown>;
    }
  | { readonly id: number; readonly op: 'unsubscribe'; readonly subscription: string };

export type WorkerEvent =
  | { readonly kind: 'ready' }
  | { readonly kind: 'ack' }
  | { readonly kind: 'result'; readonly id: number; readonly ok: boolean; readonly value: unknown }
  | { readonly kind: 'next' | 'error'; readonly subscription: string; readonly value: unknown };

type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

/** A subscription's events, in arrival order. */
export interface SubscriptionEvents {
  readonly next: unknown[];
  readonly errors: unknown[];
}

const WORKER_ENTRY = new URL('./amplify-user-worker.ts', import.meta.url);

export class AmplifyUser {
  private readonly worker: Promise<Worker>;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: unknown): void }>();
  private readonly waiters: { test(): boolean; resolve(): void }[] = [];
  private acks = 0;
  readonly events = new Map<string, SubscriptionEvents>();
  private readonly ready: Promise<void>;

  constructor(outputs: unknown, caPem: string) {
    this.worker = bundledWorker(WORKER_ENTRY).then((file) => new Worker(file, { workerData: { outputs, caPem } }));
    this.ready = this.worker.then(
      (worker) =>
        new Promise((resolve, reject) => {
          worker.once('error', reject);
          worker.on('message', (event: WorkerEvent) => {
            if (event.kind === 'ready') resolve();
            else this.onEvent(event);
          });
        }),
    );
  }

  async signIn(email: string, password: string): Promise<unknown> {
    return this.call({ op: 'signIn', email, password });
  }

  /** Resolves with the GraphQL result; rejects with what Amplify rejected with (the GraphQL result with errors). */
  async graphql<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>): Promise<{ data: T }> {
    return (await this.call({ op: 'graphql', query, variables })) as { data: T };
  }

  /** Subscribes and waits until the server acknowledged the subscription (or it failed). */
  async subscribe(name: string, query: string, variables?: Record<string, unknown>, timeoutMs = 10_000): Promise<SubscriptionEvents> {
    const events: SubscriptionEvents = { next: [], errors: [] };
    this.events.set(name, events);
    const acksBefore = this.acks;
    await this.call({ op: 'subscribe', subscription: name, query, variables });
    await this.waitFor(() => this.acks > acksBefore || events.errors.length > 0, timeoutMs, `ack of ${name}`);
    return events;
  }

  async unsubscribe(name: string): Promise<void> {
    await this.call({ op: 'unsubscribe', subscription: name });
  }

  /** Waits until `test` holds, re-checked on every event from the worker. */
  waitFor(test: () => boolean, timeoutMs: number, what: string): Promise<void> {
    if (test()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter = {
        test,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  async close(): Promise<void> {
    await (await this.worker).terminate();
  }

  private async call(command: WithoutId<WorkerCommand>): Promise<unknown> {
    await this.ready;
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      void this.worker.then((worker) => worker.postMessage({ ...command, id }));
    });
  }

  private onEvent(event: WorkerEvent): void {
    if (event.kind === 'result') {
      const pending = this.pending.get(event.id);
      this.pending.delete(event.id);
      if (event.ok) pending?.resolve(event.value);
      else pending?.reject(event.value);
    } else if (event.kind === 'ack') {
      this.acks += 1;
    } else if (event.kind === 'next' || event.kind === 'error') {
      const events = this.events.get(event.subscription);
      (event.kind === 'next' ? events?.next : events?.errors)?.push(event.value);
    }
    for (const waiter of [...this.waiters]) {
      if (waiter.test()) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  }
}

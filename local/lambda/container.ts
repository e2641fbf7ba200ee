/**
 * One Lambda execution environment: a worker thread with its own `process.env`, running the function's bundle one
 * invocation at a time and keeping its module state between invocations. A container that times out, crashes or
 * exits is dead; its owner replaces it.
 */
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import { Worker } from 'node:worker_threads';
import {
  LambdaHandlerError,
  LambdaRuntimeClosedError,
  LambdaRuntimeExitError,
  LambdaTimeoutError,
} from './errors.js';
import { errorPayload } from './handler.js';
import type { ContainerMessage, InvokeMessage } from './worker-protocol.js';

/** Lambda's limit on the Init phase (loading the function's module). */
const INIT_TIMEOUT_MS = 10_000;

export interface LambdaContainerOptions {
  readonly functionName: string;
  /** The bundled worker entry (worker.ts). */
  readonly workerFile: string;
  /** The container's whole environment, Lambda's reserved variables included. */
  readonly env: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly log: (functionName: string, line: string) => void;
  /** Called once, as soon as the container can take no more invocations. */
  readonly onDead: (container: LambdaContainer) => void;
}

interface PendingInvocation {
  readonly requestId: string;
  readonly eventJson: string;
  readonly resolve: (result: unknown) => void;
  readonly reject: (error: Error) => void;
}

export class LambdaContainer {
  private readonly worker: Worker;
  private state: 'initializing' | 'ready' | 'dead' = 'initializing';
  private pending: PendingInvocation | undefined;
  /** The pending invocation's time limit: the Init phase's, then the function's. */
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: LambdaContainerOptions) {
    // No inherited execArgv: the bundles are plain JavaScript and need none of this process's loaders.
    this.worker = new Worker(options.workerFile, { env: { ...options.env }, execArgv: [], stdout: true, stderr: true });
    for (const output of [this.worker.stdout, this.worker.stderr]) {
      createInterface({ input: output, crlfDelay: Infinity }).on('line', (line) =>
        options.log(options.functionName, line),
      );
    }
    this.worker.on('message', (message: ContainerMessage) => this.receive(message));
    // Failures the worker could not report itself (its uncaught-exception handler reports the others).
    this.worker.on('error', (error) => {
      this.fail(new LambdaHandlerError(options.functionName, errorPayload(error)));
      this.die();
    });
    this.worker.on('exit', (exitCode) => {
      if (this.pending !== undefined) {
        this.fail(new LambdaRuntimeExitError(options.functionName, this.pending.requestId, exitCode));
      }
      this.die();
    });
  }

  get alive(): boolean {
    return this.state !== 'dead';
  }

  /**
   * Runs one invocation (after the cold start, on the first). The caller (the pool) gives the container one
   * invocation at a time.
   * @throws {@link LambdaInvocationError} for the function's failures, {@link LambdaRuntimeClosedError} on close
   */
  invoke(eventJson: string): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.pending = { requestId: randomUUID(), eventJson, resolve, reject };
      if (this.state === 'ready') this.start();
      else this.timer = setTimeout(() => this.timeOut(INIT_TIMEOUT_MS), INIT_TIMEOUT_MS);
    });
  }

  /** Terminates the worker; a running invocation fails with {@link LambdaRuntimeClosedError}. */
  async close(): Promise<void> {
    this.fail(new LambdaRuntimeClosedError(this.options.functionName));
    this.die();
    await this.worker.terminate();
  }

  private receive(message: ContainerMessage): void {
    switch (message.type) {
      case 'ready':
        this.state = 'ready';
        if (this.pending !== undefined) this.start();
        return;
      case 'init-error':
      case 'crash':
        this.fail(new LambdaHandlerError(this.options.functionName, message.error));
        this.kill();
        return;
      case 'outcome': {
        const pending = this.pending;
        if (pending?.requestId !== message.requestId) return;
        this.settle();
        if (message.outcome.ok) pending.resolve(message.outcome.result);
        else pending.reject(new LambdaHandlerError(this.options.functionName, message.outcome.error));
        return;
      }
    }
  }

  private start(): void {
    const pending = this.pending;
    if (pending === undefined) return;
    clearTimeout(this.timer);
    const { timeoutMs } = this.options;
    this.timer = setTimeout(() => this.timeOut(timeoutMs), timeoutMs);
    const message: InvokeMessage = {
      type: 'invoke',
      requestId: pending.requestId,
      eventJson: pending.eventJson,
      deadline: Date.now() + timeoutMs,
    };
    this.worker.postMessage(message);
  }

  /** Lambda stops a function that runs past its limit by discarding its execution environment. */
  private timeOut(limitMs: number): void {
    if (this.pending === undefined) return;
    this.fail(new LambdaTimeoutError(this.options.functionName, this.pending.requestId, limitMs));
    this.kill();
  }

  /** Clears the pending invocation, leaving the caller to settle it. */
  private settle(): void {
    clearTimeout(this.timer);
    this.pending = undefined;
  }

  private fail(error: Error): void {
    const pending = this.pending;
    if (pending === undefined) return;
    this.settle();
    pending.reject(error);
  }

  private die(): void {
    if (this.state === 'dead') return;
    this.state = 'dead';
    this.options.onDead(this);
  }

  private kill(): void {
    this.die();
    void this.worker.terminate();
  }
}

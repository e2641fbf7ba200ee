/**
 * The containers of one function: warm ones are reused, new ones start on demand up to a cap, and invocations
 * beyond the cap wait for a container to free up (Lambda would throttle them; locally they queue).
 */
import type { LambdaContainer } from './container.js';
import { LambdaRuntimeClosedError } from './errors.js';

interface Waiter {
  readonly resolve: (container: LambdaContainer) => void;
  readonly reject: (error: Error) => void;
}

export class ContainerPool {
  /** Live containers, busy or idle. */
  private readonly containers = new Set<LambdaContainer>();
  /** Idle containers, the most recently used last. */
  private readonly idle: LambdaContainer[] = [];
  private readonly waiters: Waiter[] = [];
  private closed = false;

  /**
   * @param createContainer starts a container that calls `onDead` once it can take no more invocations
   */
  constructor(
    private readonly functionName: string,
    private readonly maxContainers: number,
    private readonly createContainer: (onDead: (container: LambdaContainer) => void) => LambdaContainer,
  ) {}

  /** Runs one invocation on a warm container, a new one, or the first to free up. */
  async invoke(eventJson: string): Promise<unknown> {
    const container = await this.acquire();
    try {
      return await container.invoke(eventJson);
    } finally {
      this.release(container);
    }
  }

  /** Terminates every container; queued and running invocations fail with {@link LambdaRuntimeClosedError}. */
  async close(): Promise<void> {
    this.closed = true;
    for (const waiter of this.waiters.splice(0)) waiter.reject(new LambdaRuntimeClosedError(this.functionName));
    this.idle.length = 0;
    await Promise.all([...this.containers].map((container) => container.close()));
  }

  private acquire(): Promise<LambdaContainer> {
    if (this.closed) return Promise.reject(new LambdaRuntimeClosedError(this.functionName));
    // The most recently used container: its caches are the warmest.
    const warm = this.idle.pop();
    if (warm !== undefined) return Promise.resolve(warm);
    if (this.containers.size < this.maxContainers) return Promise.resolve(this.start());
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  private release(container: LambdaContainer): void {
    // A dead container's slot was handed on when it died.
    if (!container.alive || this.closed) return;
    const waiter = this.waiters.shift();
    if (waiter !== undefined) waiter.resolve(container);
    else this.idle.push(container);
  }

  private start(): LambdaContainer {
    const container = this.createContainer((dead) => this.remove(dead));
    this.containers.add(container);
    return container;
  }

  private remove(container: LambdaContainer): void {
    this.containers.delete(container);
    const idleIndex = this.idle.indexOf(container);
    if (idleIndex !== -1) this.idle.splice(idleIndex, 1);
    if (this.closed) return;
    const waiter = this.waiters.shift();
    if (waiter === undefined) return;
    try {
      waiter.resolve(this.start());
    } catch (error) {
      waiter.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }
}

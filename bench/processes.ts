/** Child processes of the benchmark: servers under test and subscriber processes, driven over IPC. */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type {
  DeliveryReport,
  ResourceUsage,
  ServerReport,
  SubscriberReport,
  SubscriberRequest,
  SubscriberSetup,
  TargetEndpoints,
  TargetName,
} from './ipc.js';

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

/** The next IPC message of `type` from `child`; rejects on a `failed` report or an exit. */
function nextReport<R extends { type: string }, T extends R['type']>(
  child: ChildProcess,
  type: T,
  timeoutMs: number,
): Promise<Extract<R, { type: T }>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => settle(new Error(`no ${type} report within ${timeoutMs} ms`)), timeoutMs);
    const onMessage = (message: R) => {
      if (message.type === type) settle(undefined, message as Extract<R, { type: T }>);
      else if (message.type === 'failed') settle(new Error((message as unknown as { message: string }).message));
    };
    const onExit = (code: number | null) => settle(new Error(`process exited (${code}) before its ${type} report`));
    const settle = (error?: Error, message?: Extract<R, { type: T }>) => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve(message!);
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}

/** A server under test in its own process. */
export class TargetProcess {
  private constructor(
    private readonly child: ChildProcess,
    readonly endpoints: TargetEndpoints,
  ) {}

  /**
   * Starts the target; a failed start is tried once more (on a loaded machine DynamoDB Local may not answer within
   * the launcher's wait).
   */
  static async start(name: TargetName): Promise<TargetProcess> {
    try {
      return await TargetProcess.startOnce(name);
    } catch (error) {
      console.error(`[bench] ${name} did not start (${(error as Error).message.split('\n')[0]}); trying again`);
      return TargetProcess.startOnce(name);
    }
  }

  private static async startOnce(name: TargetName): Promise<TargetProcess> {
    const child = fork(here('./server.ts'), [name], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const ready = await nextReport<ServerReport, 'ready'>(child, 'ready', 120_000).catch((error: unknown) => {
      child.kill();
      throw error;
    });
    return new TargetProcess(child, ready.endpoints);
  }

  /** The server's CPU time so far and its memory, after a full GC when `collectGarbage`. */
  async usage(collectGarbage: boolean): Promise<ResourceUsage> {
    const answer = nextReport<ServerReport, 'usage'>(this.child, 'usage', 30_000);
    this.child.send({ type: 'usage', collectGarbage });
    return (await answer).usage;
  }

  /** Starts profiling the server's main thread (V8 CPU profiler). */
  async startProfile(): Promise<void> {
    const answer = nextReport<ServerReport, 'profiled'>(this.child, 'profiled', 30_000);
    this.child.send({ type: 'profile-start' });
    await answer;
  }

  /** Stops profiling and writes the profile to `file`. */
  async stopProfile(file: string): Promise<void> {
    const answer = nextReport<ServerReport, 'profiled'>(this.child, 'profiled', 60_000);
    this.child.send({ type: 'profile-stop', file });
    await answer;
  }

  async stop(): Promise<void> {
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.send({ type: 'stop' });
    await exited;
  }
}

/** Subscriber processes sharing the sockets of a measurement. */
export class SubscriberPool {
  private constructor(private readonly children: readonly ChildProcess[]) {}

  static start(processes: number): SubscriberPool {
    return new SubscriberPool(
      Array.from({ length: processes }, () =>
        fork(here('./subscriber.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }),
      ),
    );
  }

  private async all<T extends SubscriberReport['type']>(
    request: SubscriberRequest | ((index: number) => SubscriberRequest),
    type: T,
    timeoutMs = 120_000,
  ): Promise<Extract<SubscriberReport, { type: T }>[]> {
    return Promise.all(
      this.children.map((child, index) => {
        const answer = nextReport<SubscriberReport, T>(child, type, timeoutMs);
        child.send(typeof request === 'function' ? request(index) : request);
        return answer;
      }),
    );
  }

  /** Opens `count` subscribed sockets, split evenly across the processes. */
  async connect(setup: SubscriberSetup, count: number): Promise<void> {
    const n = this.children.length;
    await this.all((i) => ({ type: 'connect', setup, count: Math.floor(count / n) + (i < count % n ? 1 : 0) }), 'connected', 600_000);
  }

  async expect(messages: number): Promise<void> {
    await this.all({ type: 'expect', messages }, 'progress');
  }

  async delivered(): Promise<number> {
    const answers = await this.all({ type: 'progress' }, 'progress');
    return answers.reduce((sum, a) => sum + a.delivered, 0);
  }

  /** Deliveries of warm-up messages since the sockets connected. */
  async warmUpDelivered(): Promise<number> {
    const answers = await this.all({ type: 'progress' }, 'progress');
    return answers.reduce((sum, a) => sum + a.warmUpDelivered, 0);
  }

  async collect(): Promise<DeliveryReport[]> {
    return (await this.all({ type: 'collect' }, 'delivery')).map((a) => a.report);
  }

  async closeSockets(): Promise<void> {
    await this.all({ type: 'close' }, 'closed');
  }

  stop(): void {
    for (const child of this.children) child.disconnect();
  }
}

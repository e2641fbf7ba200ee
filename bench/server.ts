/**
 * A server under test, in its own process so that its CPU time and memory are its own: `node --import
 * tsx bench/server.ts <target>`. Reports its endpoints and, on request, its resource usage over IPC.
 *
 * Targets: `local` (the wavechat local cloud: AppSync real-time and the raw WebSocket API; DynamoDB Local and
 * cognito-local run in their own processes, not counted), `bare-ws` and `graphql-ws` (bench/baselines/).
 * On request it profiles its main thread between two IPC messages, so that a profile covers one measurement only.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { ServerReport, ServerRequest, TargetEndpoints, TargetName } from './ipc.js';

const ROOT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * A full garbage collection, for memory measurements. Taken from a fresh context rather than `--expose-gc`, because
 * the resolver sandbox deletes unknown globals (`gc` among them) from the main context.
 */
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;
setFlagsFromString('--no-expose-gc');

interface RunningTarget {
  readonly endpoints: TargetEndpoints;
  stop(): Promise<void>;
}

/** Imports only the target's own code: loading the local cloud's modules would weigh on the baselines. */
async function startTarget(name: TargetName): Promise<RunningTarget> {
  switch (name) {
    case 'local': {
      const [{ chatFunctions, chatStreamConsumers, chatWebSocketApi }, { chatApiWith }, { startLocalCloud }] = await Promise.all([
        import('../lambdas/app.js'),
        import('../resolvers/api.js'),
        import('../local/cloud.js'),
      ]);
      process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
      const cloud = await startLocalCloud({
        // One user publishes every message: a send rate limit far above the benchmark's rate, still counted per send
        // (the counter's UpdateItem stays in the write path, as deployed).
        api: chatApiWith({ messagesPerWindow: 100_000_000, windowSeconds: 1 }),
        functions: chatFunctions,
        webSocketApi: chatWebSocketApi,
        streamConsumers: chatStreamConsumers,
        rootDir: ROOT_DIR,
        // Lambda log lines are per invocation; thousands of them would cost more than the work measured.
        lambdaLog: () => undefined,
      });
      return {
        endpoints: {
          publishUrl: cloud.appsync.graphqlUrl,
          // The same port serves ws:// and wss://; plain ws keeps TLS cost out, as for the baselines.
          subscribeUrl: cloud.appsync.realtimeUrl.replace(/^wss:/, 'ws:'),
          rawUrl: cloud.webSocket?.url,
          cognito: {
            endpoint: cloud.cognitoEndpoint,
            userPoolId: cloud.userPool.userPoolId,
            userPoolClientId: cloud.userPool.userPoolClientId,
          },
        },
        stop: () => cloud.stop(),
      };
    }
    case 'bare-ws':
      return (await import('./baselines/bare-ws.js')).startBareWsServer();
    case 'graphql-ws':
      return (await import('./baselines/graphql-ws.js')).startGraphqlWsServer();
  }
}

/** Clock ticks per second of `/proc/<pid>/stat` times (USER_HZ, 100 on every Linux architecture Node runs on). */
const CLOCK_TICKS_PER_SECOND = 100;

/**
 * CPU time of every descendant of this process (children, their children…), from `/proc`: Linux only, null
 * elsewhere. Threads are included, since a process's stat times sum its threads.
 */
async function descendantCpuMicros(): Promise<number | null> {
  let entries: string[];
  try {
    entries = await readdir('/proc');
  } catch {
    return null;
  }
  const stats = new Map<number, { readonly parent: number; readonly ticks: number }>();
  await Promise.all(
    entries
      .filter((entry) => /^[0-9]+$/.test(entry))
      .map(async (entry) => {
        const text = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
        // Fields after the command name (which may hold spaces and parentheses): state, ppid, … utime (14), stime (15).
        const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
        if (fields.length < 13) return;
        stats.set(Number(entry), { parent: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) });
      }),
  );
  let ticks = 0;
  for (const stat of stats.values()) {
    for (let ancestor = stat.parent; ancestor > 1; ancestor = stats.get(ancestor)?.parent ?? 0) {
      if (ancestor === process.pid) {
        ticks += stat.ticks;
        break;
      }
    }
  }
  return (ticks * 1_000_000) / CLOCK_TICKS_PER_SECOND;
}

function report(message: ServerReport): void {
  process.send?.(message);
}

async function main(): Promise<void> {
  const name = process.argv[2] as TargetName | undefined;
  if (name !== 'local' && name !== 'bare-ws' && name !== 'graphql-ws') throw new Error(`unknown target ${String(name)}`);
  const target = await startTarget(name);
  let profiler: Session | undefined;
  process.on('message', (request: ServerRequest) => {
    if (request.type === 'stop') {
      void target.stop().finally(() => process.exit(0));
      return;
    }
    if (request.type === 'profile-start') {
      profiler = new Session();
      profiler.connect();
      void profiler
        .post('Profiler.enable')
        .then(() => profiler?.post('Profiler.start'))
        .then(() => report({ type: 'profiled' }));
      return;
    }
    if (request.type === 'profile-stop') {
      const session = profiler;
      profiler = undefined;
      void session
        ?.post('Profiler.stop')
        .then(({ profile }) => writeFile(request.file, JSON.stringify(profile)))
        .finally(() => {
          session.disconnect();
          report({ type: 'profiled' });
        });
      return;
    }
    if (request.collectGarbage) collectGarbage();
    const cpu = process.cpuUsage();
    const memory = process.memoryUsage();
    void descendantCpuMicros().then((childrenCpuMicros) =>
      report({
        type: 'usage',
        usage: {
          cpuUserMicros: cpu.user,
          cpuSystemMicros: cpu.system,
          childrenCpuMicros,
          rssBytes: memory.rss,
          heapUsedBytes: memory.heapUsed,
          externalBytes: memory.external,
        },
      }),
    );
  });
  process.on('disconnect', () => void target.stop().finally(() => process.exit(0)));
  report({ type: 'ready', endpoints: target.endpoints });
}

main().catch((error: unknown) => {
  report({ type: 'failed', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  process.exit(1);
});

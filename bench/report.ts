/** The markdown of a run: the table printed at the end and the generated section of docs/performance.md. */
import { readFile, writeFile } from 'node:fs/promises';
import type { BenchResults } from './run.js';
import type { FanoutResult } from './measure.js';

const BEGIN = '<!-- bench:results:begin (written by npm run bench; edit outside these markers) -->';
const END = '<!-- bench:results:end -->';

const TARGET_NAMES: Record<string, string> = {
  'bare-ws': 'bare ws baseline',
  'graphql-ws': 'graphql-ws + graphql-js baseline',
  'local-graphql': 'local AppSync (GraphQL)',
  'local-raw-websocket': 'local raw WebSocket API',
};

const name = (target: string) => TARGET_NAMES[target] ?? target;
const number = (n: number) => (Number.isFinite(n) ? n.toLocaleString('en-US') : 'n/a');

function fanoutAt(results: BenchResults, target: string, subscribers: number): FanoutResult | undefined {
  return results.fanout.find((r) => r.target === target && r.subscribers === subscribers);
}

interface Ratio {
  readonly label: string;
  readonly value: number | null;
  readonly goal: number;
  readonly note: string;
}

function ratios(results: BenchResults): Ratio[] {
  const local = fanoutAt(results, 'local-graphql', 1000);
  const against = (baseline: string, goal: number, label: string): Ratio => {
    const base = fanoutAt(results, baseline, 1000);
    const valid = local?.complete && base?.complete;
    return {
      label,
      value: valid ? local.deliveredPerSecond / base.deliveredPerSecond : null,
      goal,
      note: valid ? '' : !local || !base ? 'not measured in this run' : 'void: a measurement lost messages',
    };
  };
  return [
    against('bare-ws', 0.5, 'local GraphQL ÷ bare ws, 1,000 subscribers'),
    against('graphql-ws', 3, 'local GraphQL ÷ graphql-ws, 1,000 subscribers'),
  ];
}

/** The results as markdown tables. */
export function renderTable(results: BenchResults): string {
  const m = results.machine;
  const lines: string[] = [
    `Run ${results.date} — \`${results.command}\` — ${m.cpu}, ${m.cores} cores, ${m.memoryGb} GB, ${m.os}, Node ${m.node}; ` +
      `${results.durationSeconds} s. Body ${results.plan.messageBodyBytes} bytes; ${results.plan.publishConcurrency} sends in flight; ` +
      `${results.plan.subscriberProcesses} subscriber processes; local cloud users: ${results.users.count} ` +
      `(${results.users.msPerUser} ms each to create and sign in), subscribers spread over them.`,
    '',
    '**Fan-out** (one room; delivered messages per second; latency from send to receipt, under that load)',
    '',
    '| target | subscribers | messages | delivered/s | p50 ms | p95 ms | p99 ms | server CPU µs/delivery | child processes CPU µs/delivery | server RSS MB | every message delivered |',
    '|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|',
  ];
  for (const r of results.fanout) {
    lines.push(
      `| ${name(r.target)} | ${number(r.subscribers)} | ${number(r.messages)} | ${number(r.deliveredPerSecond)} | ${r.latencyMs.p50} | ` +
        `${r.latencyMs.p95} | ${r.latencyMs.p99} | ${r.serverCpuMicrosPerDelivery} | ${r.childrenCpuMicrosPerDelivery ?? 'n/a'} | ${r.serverRssMb} | ` +
        `${r.complete ? 'yes' : `**no — void** (${number(r.delivered)}/${number(r.expectedDeliveries)})`} |`,
    );
  }
  lines.push('', '**Ratios** (same run)', '', '| ratio | measured | goal | met |', '|---|--:|--:|---|');
  for (const r of ratios(results)) {
    const met = r.value === null ? r.note : r.value >= r.goal ? 'yes' : '**missed** (see Analysis)';
    lines.push(`| ${r.label} | ${r.value === null ? 'n/a' : `${r.value.toFixed(2)}×`} | ≥ ${r.goal}× | ${met} |`);
  }
  lines.push(
    '',
    '**Idle connections** (server memory per connected, subscribed client, after GC)',
    '',
    '| target | connections | RSS bytes/connection | V8 heap bytes/connection |',
    '|---|--:|--:|--:|',
  );
  for (const r of results.idle) {
    lines.push(`| ${name(r.target)} | ${number(r.connections)} | ${number(r.rssBytesPerConnection)} | ${number(r.heapBytesPerConnection)} |`);
  }
  lines.push(
    '',
    '**Write path** (sendMessage / publish, no subscribers)',
    '',
    '| target | concurrency | messages | messages/s | p50 ms | p99 ms | errors | server CPU µs/message | child processes CPU µs/message |',
    '|---|--:|--:|--:|--:|--:|--:|--:|--:|',
  );
  for (const r of results.writes) {
    lines.push(
      `| ${name(r.target)} | ${r.concurrency} | ${number(r.messages)} | ${number(r.messagesPerSecond)} | ${r.latencyMs.p50} | ${r.latencyMs.p99} | ${r.errors} | ` +
        `${number(r.serverCpuMicrosPerMessage)} | ${r.childrenCpuMicrosPerMessage === null ? 'n/a' : number(r.childrenCpuMicrosPerMessage)} |`,
    );
  }
  return lines.join('\n');
}

/**
 * Replaces the generated section of docs/performance.md (between the markers) with this run; the rest of the file
 * is written by hand. A file without the markers gets the section appended.
 */
export async function writePerformanceDoc(file: string, results: BenchResults, resultsFile: string): Promise<void> {
  const section = `${BEGIN}\n\n### Latest run (\`${resultsFile}\`)\n\n${renderTable(results)}\n\n${END}`;
  const current = await readFile(file, 'utf8').catch(() => '# Performance\n');
  const begin = current.indexOf(BEGIN);
  const end = current.indexOf(END);
  const next =
    begin >= 0 && end > begin
      ? current.slice(0, begin) + section + current.slice(end + END.length)
      : `${current.trimEnd()}\n\n${section}\n`;
  await writeFile(file, next);
}

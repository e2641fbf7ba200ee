/**
 * CPU time of this process (all its threads: the local AppSync, Lambda workers, SDK workers) and of its child
 * processes (DynamoDB Local's JVM, cognito-local), from /proc. On a shared machine wall-clock throughput says as
 * much about the neighbours as about wavechat; CPU milliseconds per message do not.
 */
import { readFileSync } from 'node:fs';

/** CPU milliseconds by process: `self` and each descendant by its command's first words. */
export type CpuSample = ReadonlyMap<string, number>;

const CLOCK_TICKS_PER_SECOND = 100;

function cpuMsOf(pid: string): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command (which may hold spaces) — utime and stime are the 14th and 15th of the line.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
}

function childrenOf(pid: string): string[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
  } catch {
    return [];
  }
}

function nameOf(pid: string): string {
  const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  const program = command[0]?.split('/').pop() ?? pid;
  if (program === 'java') return 'java (DynamoDB Local)';
  const script = command.slice(1).find((part) => part.includes('/') && !part.startsWith('-') && !part.startsWith('data:'));
  return script === undefined ? program : `${program} ${script.split('/').slice(-2).join('/')}`;
}

/** Samples CPU time now; Linux only (returns an empty map elsewhere). */
export function sampleCpu(): CpuSample {
  const sample = new Map<string, number>();
  const visit = (pid: string, name: string) => {
    try {
      sample.set(name, (sample.get(name) ?? 0) + cpuMsOf(pid));
      for (const child of childrenOf(pid)) visit(child, nameOf(child));
    } catch {
      // A process that ended between listing and reading.
    }
  };
  visit(String(process.pid), 'test process (AppSync, gateway, Lambdas, clients)');
  return sample;
}

/** CPU milliseconds spent between two samples, by process, largest first. */
export function cpuSpent(before: CpuSample, after: CpuSample): [string, number][] {
  return [...after]
    .map(([name, ms]): [string, number] => [name, ms - (before.get(name) ?? 0)])
    .filter(([, ms]) => ms > 0)
    .sort((a, b) => b[1] - a[1]);
}

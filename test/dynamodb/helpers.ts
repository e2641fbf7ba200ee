import { readFileSync } from 'node:fs';
import { endianness } from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';

/**
 * Whether a process with this pid is still running. A zombie (exited, not yet reaped — possible when the orphan's
 * new parent is slow to reap) counts as ended.
 */
export function processIsRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
  try {
    // /proc/<pid>/stat: "pid (comm) S …"; the state letter follows the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return process.platform !== 'linux';
  }
}

/**
 * Waits until a process that is not our child has ended; the OS offers no event for that, so this polls.
 * Returns whether it ended within the timeout.
 */
export async function waitForProcessToEnd(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (processIsRunning(pid)) {
    if (Date.now() > deadline) return false;
    await delay(20);
  }
  return true;
}

/** /proc/net/tcp{,6} write each 32-bit word of an address in host byte order. */
function addressBytes(hex: string): Buffer {
  const bytes = Buffer.alloc(hex.length / 2);
  for (let word = 0; word < hex.length / 8; word++) {
    const value = Number.parseInt(hex.slice(word * 8, word * 8 + 8), 16);
    if (endianness() === 'LE') bytes.writeUInt32LE(value, word * 4);
    else bytes.writeUInt32BE(value, word * 4);
  }
  return bytes;
}

function formatAddress(bytes: Buffer): string {
  if (bytes.length === 4) return [...bytes].join('.');
  const groups: string[] = [];
  for (let offset = 0; offset < 16; offset += 2) groups.push(bytes.readUInt16BE(offset).toString(16));
  return groups.join(':');
}

/**
 * Local addresses of the TCP sockets listening on `port` in this network namespace, read from the kernel's tables
 * (Linux only): `127.0.0.1`, or IPv6 without `::` compression, e.g. `0:0:0:0:0:ffff:7f00:1` (IPv4-mapped 127.0.0.1)
 * and `0:0:0:0:0:0:0:0` (every interface).
 */
export function listeningAddresses(port: number): string[] {
  const LISTEN = '0A';
  const addresses: string[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let lines: string[];
    try {
      lines = readFileSync(table, 'utf8').trim().split('\n').slice(1);
    } catch {
      continue; // no IPv6 in this kernel
    }
    for (const line of lines) {
      // "sl local_address rem_address st …", addresses as HEXADDR:HEXPORT.
      const [, local, , state] = line.trim().split(/\s+/);
      const [hexAddress, hexPort] = (local ?? '').split(':');
      if (state === LISTEN && hexAddress && hexPort && Number.parseInt(hexPort, 16) === port) {
        addresses.push(formatAddress(addressBytes(hexAddress)));
      }
    }
  }
  return addresses;
}

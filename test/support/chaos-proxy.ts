/**
 * A TCP proxy in front of one client's server, which a test (the soak's chaos loop, the SDK's reconnect test) cuts:
 * every open connection is reset (RST, no WebSocket close frame, no HTTP response) and new connections are refused
 * for an outage — what a dropped Wi-Fi or a NAT timeout does to a client, for real.
 */
import net from 'node:net';

export interface ChaosProxy {
  readonly port: number;
  /** Connections reset so far. */
  readonly connectionsReset: number;
  /** Resets every open connection and refuses new ones for `outageMs` (Infinity: until {@link restore}). */
  cut(outageMs: number): void;
  /** Accepts connections again now (ends an outage early). */
  restore(): void;
  close(): Promise<void>;
}

/**
 * Listens on a free port of 127.0.0.1 and forwards each connection to `targetPort`.
 *
 * @example
 * const proxy = await startChaosProxy(cloud.appsync.port);
 * proxy.cut(500); // every connection through it is reset; new ones are refused for half a second
 */
export async function startChaosProxy(targetPort: number): Promise<ChaosProxy> {
  const open = new Set<net.Socket>();
  let refusingUntil = 0;
  let connectionsReset = 0;
  const track = (socket: net.Socket) => {
    open.add(socket);
    socket.on('close', () => open.delete(socket));
  };
  const server = net.createServer((client) => {
    if (Date.now() < refusingUntil) {
      client.resetAndDestroy();
      return;
    }
    const upstream = net.connect(targetPort, '127.0.0.1');
    track(client);
    track(upstream);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const resetAll = () => {
    for (const socket of open) {
      connectionsReset += 1;
      socket.resetAndDestroy();
    }
  };
  return {
    port: (server.address() as net.AddressInfo).port,
    get connectionsReset() {
      return connectionsReset;
    },
    cut(outageMs) {
      refusingUntil = Date.now() + outageMs;
      resetAll();
    },
    restore() {
      refusingUntil = 0;
    },
    close() {
      for (const socket of open) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * A seeded pseudo-random generator (mulberry32): the same seed replays the same chaos schedule.
 *
 * @example
 * const random = seededRandom(42);
 * const delay = 200 + random() * 800;
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

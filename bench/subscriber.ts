/**
 * A subscriber process: holds many WebSocket connections to the server under test, each subscribed to one room,
 * and records which benchmark messages each socket received and how long each took from send to receipt. Driven by
 * bench/run.ts over IPC (see ipc.ts). Frames are not parsed once a socket is subscribed: the send time and sequence
 * number are read from the body marker in the raw text, so the client's own cost stays small.
 */
import { WebSocket } from 'ws';
import {
  GRAPHQL_WS_SUBPROTOCOL,
  connectionInitMessage,
  encodeAuthSubprotocol,
  startMessage,
} from '../local/appsync/realtime/protocol.js';
import {
  BODY_MARKER,
  preciseNow,
  type DeliveryReport,
  type SubscriberReport,
  type SubscriberRequest,
  type SubscriberSetup,
} from './ipc.js';

/** Sockets opened at once: enough to connect thousands quickly, few enough not to time out handshakes. */
const CONNECT_CONCURRENCY = 64;
const HANDSHAKE_TIMEOUT_MS = 30_000;

interface Tracked {
  readonly socket: WebSocket;
  seen: Uint8Array;
  received: number;
  warmUpReceived: number;
  duplicates: number;
  closed: boolean;
}

const sockets: Tracked[] = [];
let expected = 0;
let latencies: number[] = [];
let lastReceiptMs = 0;

function report(message: SubscriberReport): void {
  process.send?.(message);
}

function record(tracked: Tracked, text: string): void {
  const at = text.indexOf(BODY_MARKER);
  if (at < 0) return;
  const receivedAt = preciseNow();
  const sequenceEnd = text.indexOf('|', at + BODY_MARKER.length);
  const timeEnd = text.indexOf('|', sequenceEnd + 1);
  const sequence = Number(text.slice(at + BODY_MARKER.length, sequenceEnd));
  const sentAt = Number(text.slice(sequenceEnd + 1, timeEnd));
  if (sequence < 0) tracked.warmUpReceived += 1;
  if (!(sequence >= 0 && sequence < expected)) return;
  if (tracked.seen[sequence]) {
    tracked.duplicates += 1;
    return;
  }
  tracked.seen[sequence] = 1;
  tracked.received += 1;
  latencies.push(receivedAt - sentAt);
  lastReceiptMs = receivedAt;
}

/** Opens one socket and resolves once it is subscribed (or, for graphql-transport-ws, once `subscribe` is sent). */
function open(setup: SubscriberSetup, index: number): Promise<Tracked> {
  const token = setup.tokens.length > 0 ? setup.tokens[index % setup.tokens.length]! : '';
  const variables = { roomId: setup.roomId };
  let url = setup.url;
  let protocols: string[] = [];
  switch (setup.protocol) {
    case 'appsync':
      protocols = [GRAPHQL_WS_SUBPROTOCOL, encodeAuthSubprotocol({ host: setup.host ?? '', Authorization: token })];
      break;
    case 'raw':
      url = `${setup.url}?token=${encodeURIComponent(token)}`;
      break;
    case 'bare':
      url = `${setup.url}?roomId=${encodeURIComponent(setup.roomId)}`;
      break;
    case 'graphql-transport-ws':
      protocols = ['graphql-transport-ws'];
      break;
  }
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, protocols, { perMessageDeflate: false });
    const tracked: Tracked = { socket, seen: new Uint8Array(0), received: 0, warmUpReceived: 0, duplicates: 0, closed: false };
    let subscribed = false;
    const timer = setTimeout(() => fail(new Error('handshake timed out')), HANDSHAKE_TIMEOUT_MS);
    const fail = (error: Error) => {
      clearTimeout(timer);
      socket.terminate();
      reject(error);
    };
    const ready = () => {
      clearTimeout(timer);
      subscribed = true;
      resolve(tracked);
    };
    socket.on('error', (error) => {
      if (!subscribed) fail(error);
    });
    socket.on('close', () => {
      tracked.closed = true;
      if (!subscribed) fail(new Error('closed during the handshake'));
    });
    socket.on('open', () => {
      if (setup.protocol === 'raw' || setup.protocol === 'bare') ready();
      else socket.send(JSON.stringify(setup.protocol === 'appsync' ? connectionInitMessage() : { type: 'connection_init' }));
    });
    socket.on('message', (data) => {
      const text = String(data);
      if (subscribed) {
        record(tracked, text);
        return;
      }
      const frame = JSON.parse(text) as { type?: string; payload?: unknown };
      if (frame.type === 'connection_ack' && setup.protocol === 'appsync') {
        socket.send(JSON.stringify(startMessage('1', { query: setup.query ?? '', variables })));
      } else if (frame.type === 'connection_ack') {
        socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: setup.query, variables } }));
        ready();
      } else if (frame.type === 'start_ack') {
        ready();
      } else if (frame.type !== 'ka') {
        fail(new Error(`unexpected frame during the handshake: ${text.slice(0, 500)}`));
      }
    });
  });
}

/**
 * Connect attempts per socket: on a loaded machine the raw API's `$connect` Lambda may time out (a 502) and a
 * handshake may outlast its timeout. Neither is a delivery failure, which is what the benchmark checks.
 */
const CONNECT_ATTEMPTS = 3;

/** Opens a socket, trying again after a server-side failure of the upgrade (5xx) or a handshake timeout. */
async function openWithRetry(setup: SubscriberSetup, index: number): Promise<Tracked> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await open(setup, index);
    } catch (error) {
      const message = error instanceof Error ? error.message : '';
      const transient = /Unexpected server response: 5\d\d|handshake timed out/.test(message);
      if (!transient || attempt === CONNECT_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
    }
  }
}

async function connect(setup: SubscriberSetup, count: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      sockets.push(await openWithRetry(setup, index));
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONNECT_CONCURRENCY, count) }, worker));
}

function delivery(): DeliveryReport {
  let complete = 0;
  let delivered = 0;
  let duplicates = 0;
  let closed = 0;
  for (const tracked of sockets) {
    if (tracked.received === expected) complete += 1;
    delivered += tracked.received;
    duplicates += tracked.duplicates;
    if (tracked.closed) closed += 1;
  }
  return {
    sockets: sockets.length,
    completeSockets: complete,
    delivered,
    duplicates,
    latenciesMs: latencies,
    lastReceiptMs,
    closedSockets: closed,
  };
}

process.on('message', (request: SubscriberRequest) => {
  switch (request.type) {
    case 'connect':
      connect(request.setup, request.count).then(
        () => report({ type: 'connected', sockets: sockets.length }),
        (error: unknown) => report({ type: 'failed', message: error instanceof Error ? error.message : String(error) }),
      );
      return;
    case 'expect':
      expected = request.messages;
      latencies = [];
      lastReceiptMs = 0;
      for (const tracked of sockets) {
        tracked.seen = new Uint8Array(expected);
        tracked.received = 0;
        tracked.duplicates = 0;
      }
      report({ type: 'progress', delivered: 0, warmUpDelivered: 0 });
      return;
    case 'progress': {
      let delivered = 0;
      let warmUpDelivered = 0;
      for (const tracked of sockets) {
        delivered += tracked.received;
        warmUpDelivered += tracked.warmUpReceived;
      }
      report({ type: 'progress', delivered, warmUpDelivered });
      return;
    }
    case 'collect':
      report({ type: 'delivery', report: delivery() });
      return;
    case 'close':
      for (const tracked of sockets.splice(0)) tracked.socket.terminate();
      report({ type: 'closed' });
      return;
  }
});
process.on('disconnect', () => process.exit(0));

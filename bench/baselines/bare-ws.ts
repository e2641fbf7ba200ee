/**
 * Baseline 1, the practical limit for Node: a bare `ws` server holding one room's sockets. `POST /publish` with
 * `{roomId, body}` builds the message, serialises its frame once and writes the same bytes to every socket.
 * Subscribers connect to `/?roomId=<id>`; `GET /stats` counts them.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { baselineMessage, readJson, type PublishInput } from './message.js';

/**
 * Starts the server on a free port of 127.0.0.1.
 *
 * @example
 * ```ts
 * const server = await startBareWsServer();
 * await fetch(server.endpoints.publishUrl, { method: 'POST', body: JSON.stringify({ roomId: 'r', body: 'hi' }) });
 * await server.stop();
 * ```
 */
export async function startBareWsServer() {
  const rooms = new Map<string, Set<WebSocket>>();
  const http_ = http.createServer((request, response) => {
    if (request.method === 'GET' && request.url === '/stats') {
      let sockets = 0;
      for (const room of rooms.values()) sockets += room.size;
      response.end(JSON.stringify({ subscriptions: sockets }));
      return;
    }
    if (request.method !== 'POST' || request.url !== '/publish') {
      response.writeHead(404).end();
      return;
    }
    readJson(request).then(
      (input) => {
        const message = baselineMessage(input as PublishInput, 'bench-author');
        const frame = Buffer.from(JSON.stringify({ type: 'message', message }));
        for (const socket of rooms.get(message.roomId) ?? []) socket.send(frame, { binary: false });
        response.setHeader('content-type', 'application/json');
        response.end(JSON.stringify({ message }));
      },
      () => response.writeHead(400).end(),
    );
  });
  const wss = new WebSocketServer({ server: http_ });
  wss.on('connection', (socket, request) => {
    const roomId = new URL(request.url ?? '/', 'http://localhost').searchParams.get('roomId') ?? 'lobby';
    let room = rooms.get(roomId);
    if (!room) rooms.set(roomId, (room = new Set()));
    room.add(socket);
    socket.on('close', () => room.delete(socket));
  });
  await new Promise<void>((resolve) => http_.listen(0, '127.0.0.1', resolve));
  const { port } = http_.address() as AddressInfo;
  return {
    endpoints: {
      publishUrl: `http://127.0.0.1:${port}/publish`,
      subscribeUrl: `ws://127.0.0.1:${port}/`,
      statsUrl: `http://127.0.0.1:${port}/stats`,
    },
    async stop(): Promise<void> {
      for (const socket of wss.clients) socket.terminate();
      wss.close();
      await new Promise((resolve) => http_.close(resolve));
    },
  };
}

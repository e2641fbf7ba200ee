/**
 * One TCP port that speaks both plain HTTP and HTTPS. Amplify v6 turns an `http://host:port/graphql` endpoint into
 * `wss://host:port/graphql/realtime`, so queries (HTTP) and subscriptions (TLS) must reach the same port.
 */
import type { Duplex } from 'node:stream';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { PortInUseError } from './errors.js';

/** First byte of a TLS record carrying a handshake (ClientHello); an HTTP request starts with an ASCII method. */
const TLS_HANDSHAKE_RECORD = 0x16;

export interface HttpAndHttpsOptions {
  /** Interface to bind, e.g. `127.0.0.1`. */
  readonly host: string;
  /** Port to bind; 0 picks a free one (read it back from `DualListener.port`). */
  readonly port: number;
  readonly tls: { readonly certPem: string; readonly keyPem: string };
  /** Handles every request, whichever protocol it came in on (`req.socket` is a `TLSSocket` for HTTPS). */
  readonly onRequest: http.RequestListener;
  /** Handles every `Upgrade:` request (WebSockets) on either protocol. */
  readonly onUpgrade: (req: http.IncomingMessage, socket: Duplex, head: Buffer) => void;
}

export interface DualListener {
  /** The bound port. */
  readonly port: number;
  /** Stops listening and destroys every open connection (including upgraded WebSockets). */
  close(): Promise<void>;
}

/**
 * Listens on one port and routes each connection by its first byte: a TLS handshake goes to an HTTPS server, anything
 * else to an HTTP server. Both servers share `onRequest` and `onUpgrade`.
 *
 * @throws PortInUseError when the port is taken.
 * @example
 * ```ts
 * const listener = await listenHttpAndHttps({
 *   host: '127.0.0.1', port: 4000, tls: await ensureLocalCertificates('.wavechat/tls'),
 *   onRequest: (req, res) => res.end('ok'),
 *   onUpgrade: (req, socket, head) => realtime.handleUpgrade(req, socket, head) || socket.destroy(),
 * });
 * // http://127.0.0.1:4000/graphql and wss://127.0.0.1:4000/graphql/realtime now share the port
 * await listener.close();
 * ```
 */
export async function listenHttpAndHttps(options: HttpAndHttpsOptions): Promise<DualListener> {
  const httpServer = http.createServer(options.onRequest);
  const httpsServer = https.createServer({ cert: options.tls.certPem, key: options.tls.keyPem }, options.onRequest);
  httpServer.on('clientError', answerClientError);
  httpsServer.on('clientError', answerClientError);
  for (const server of [httpServer, httpsServer]) {
    server.on('upgrade', options.onUpgrade);
  }

  const sockets = new Set<net.Socket>();
  const tcpServer = net.createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    // Errors before the hand-over (resets, early hang-ups) would otherwise be unhandled; the servers add their own.
    socket.on('error', () => socket.destroy());
    socket.once('data', (firstChunk: Buffer) => {
      socket.pause();
      socket.unshift(firstChunk);
      const target = firstChunk[0] === TLS_HANDSHAKE_RECORD ? httpsServer : httpServer;
      target.emit('connection', socket);
      // The TLS socket reads the buffered ClientHello itself; the HTTP parser needs the stream flowing again.
      if (target === httpServer) socket.resume();
    });
  });

  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      reject(error.code === 'EADDRINUSE' ? new PortInUseError(options.port, options.host) : error);
    };
    tcpServer.once('error', onError);
    tcpServer.listen(options.port, options.host, () => {
      tcpServer.off('error', onError);
      resolve();
    });
  });

  const address = tcpServer.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  let closing: Promise<void> | undefined;
  return {
    port,
    close() {
      closing ??= new Promise<void>((resolve) => {
        tcpServer.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
      return closing;
    },
  };
}

/**
 * Answers a request the HTTP parser refused (431 for oversized headers, 400 otherwise). Node's default answer
 * destroys the socket right after writing, which over TLS loses the answer; `end()` flushes it first.
 */
function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const status = error.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
  socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

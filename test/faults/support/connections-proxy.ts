/**
 * A fault-injecting hop between the push Lambda and the local gateway's `@connections` API: it forwards requests
 * unchanged, except those it is told to fail (an HTTP status with API Gateway's `x-amzn-ErrorType`) or to hold (so
 * the function outlives its timeout).
 */
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';

export type ConnectionsFault =
  | {
      readonly kind: 'fail';
      readonly status: number;
      readonly errorType: string;
    }
  | { readonly kind: 'hold'; readonly ms: number };

/** Faults the proxy has served. */
export interface ProxyCounts {
  failed: number;
  held: number;
}

export interface ConnectionsProxy {
  /** `http://127.0.0.1:<port>/<stage>`: the management URL to give the function. */
  readonly url: string;
  readonly counts: ProxyCounts;
  /** Where requests go: the gateway's management URL (same stage). */
  forwardTo(managementUrl: string): void;
  /** The next `count` requests meet `fault`. */
  inject(fault: ConnectionsFault, count: number): void;
  close(): Promise<void>;
}

export async function startConnectionsProxy(stage: string): Promise<ConnectionsProxy> {
  const counts: ProxyCounts = {
    failed: 0,
    held: 0,
  };
  let target: URL | undefined;
  const faults: ConnectionsFault[] = [];

  const forward = (request: IncomingMessage, response: ServerResponse, body: Buffer): void => {
    if (target === undefined) throw new Error('the proxy has no target yet');
    const upstream = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        method: request.method,
        path: request.url,
        headers: request.headers,
      },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    upstream.on('error', () => response.destroy());
    upstream.end(body);
  };

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      const fault = faults.shift();
      if (fault?.kind === 'fail') {
        counts.failed++;
        const text = JSON.stringify({ message: 'injected fault' });
        response.writeHead(fault.status, {
          'Content-Type': 'application/json',
          'x-amzn-ErrorType': fault.errorType,
        });
        response.end(text);
        return;
      }
      if (fault?.kind === 'hold') {
        counts.held++;
        // Forwarded late, as a slow API Gateway would still deliver what it had accepted.
        void delay(fault.ms).then(() => forward(request, response, body));
        return;
      }
      forward(request, response, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/${stage}`,
    counts,
    forwardTo: (managementUrl) => {
      target = new URL(managementUrl);
    },
    inject: (fault, count) => {
      for (let i = 0; i < count; i++) faults.push(fault);
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

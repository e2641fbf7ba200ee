/** HTTP answers in API Gateway's style: JSON bodies, `x-amzn-RequestId`, and `x-amzn-ErrorType` on errors. */
import { randomUUID } from 'node:crypto';
import { STATUS_CODES, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

/** Answers an HTTP request; `body` is sent as JSON unless undefined. */
export function answerJson(response: ServerResponse, status: number, body?: unknown, errorType?: string): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  const headers: Record<string, string | number> = {
    'x-amzn-RequestId': randomUUID(),
    'Content-Length': Buffer.byteLength(text),
  };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (errorType !== undefined) headers['x-amzn-ErrorType'] = errorType;
  response.writeHead(status, headers).end(text);
}

/** Answers an upgrade request on its raw socket (no `ServerResponse` exists for upgrades) and closes it. */
export function answerUpgradeRequest(
  socket: Duplex,
  status: number,
  headers: Readonly<Record<string, string>>,
  body: string,
): void {
  if (socket.destroyed) return;
  const lines = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}`,
    'Connection: close',
    `x-amzn-RequestId: ${randomUUID()}`,
    ...(body === '' ? [] : ['Content-Type: application/json']),
    `Content-Length: ${Buffer.byteLength(body)}`,
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ];
  socket.once('finish', () => socket.destroy());
  socket.end(`${lines.join('\r\n')}\r\n\r\n${body}`);
}

import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket, WebSocketServer } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  PortInUseError,
  ensureLocalCertificates,
  listenHttpAndHttps,
  type DualListener,
  type LocalCertificates,
} from '../../../local/appsync/tls/index.js';

let certificates: LocalCertificates;
let listener: DualListener;
const echoServer = new WebSocketServer({ noServer: true });
echoServer.on('connection', (socket, req) => {
  socket.on('message', (data) => socket.send(`${'encrypted' in req.socket ? 'wss' : 'ws'}:${String(data)}`));
});

beforeAll(async () => {
  certificates = await ensureLocalCertificates(join(tmpdir(), 'wavechat-test-tls'));
  listener = await listenHttpAndHttps({
    host: '127.0.0.1',
    port: 0,
    tls: certificates,
    // Answers with the protocol it came in on and a digest of the body, so large bodies prove no byte was lost.
    onRequest: (req, res) => {
      const hash = createHash('sha256');
      req.on('data', (chunk: Buffer) => hash.update(chunk));
      req.on('end', () => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ tls: 'encrypted' in req.socket, path: req.url, sha256: hash.digest('hex') }));
      });
    },
    onUpgrade: (req, socket, head) => {
      echoServer.handleUpgrade(req, socket, head, (webSocket) => echoServer.emit('connection', webSocket, req));
    },
  });
});

afterAll(async () => {
  await listener?.close();
  echoServer.close();
});

function request(
  protocol: 'http' | 'https',
  path: string,
  body?: Buffer,
): Promise<{ status: number; json: { tls: boolean; path: string; sha256: string } }> {
  return new Promise((resolve, reject) => {
    const send = protocol === 'https' ? https.request : http.request;
    const req = send(
      {
        host: '127.0.0.1',
        port: listener.port,
        path,
        method: body ? 'POST' : 'GET',
        ca: certificates.caCertPem,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString()) }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function echo(url: string, options: { ca?: string } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, options);
    socket.once('open', () => socket.send('ping'));
    socket.once('message', (data) => {
      resolve(String(data));
      socket.close();
    });
    socket.once('error', reject);
  });
}

describe('listenHttpAndHttps', () => {
  it('answers HTTP and HTTPS on the same port', async () => {
    const plain = await request('http', '/graphql');
    const secure = await request('https', '/graphql');
    expect(plain).toMatchObject({ status: 200, json: { tls: false, path: '/graphql' } });
    expect(secure).toMatchObject({ status: 200, json: { tls: true, path: '/graphql' } });
  });

  it('passes large request bodies through intact on both protocols', async () => {
    const body = randomBytes(3 * 1024 * 1024);
    const digest = createHash('sha256').update(body).digest('hex');
    expect((await request('http', '/upload', body)).json.sha256).toBe(digest);
    expect((await request('https', '/upload', body)).json.sha256).toBe(digest);
  });

  it('upgrades WebSockets on both protocols', async () => {
    expect(await echo(`ws://127.0.0.1:${listener.port}/socket`)).toBe('ws:ping');
    expect(await echo(`wss://127.0.0.1:${listener.port}/socket`, { ca: certificates.caCertPem })).toBe('wss:ping');
    expect(await echo(`wss://localhost:${listener.port}/socket`, { ca: certificates.caCertPem })).toBe('wss:ping');
  });

  it('presents a certificate that clients without the local CA reject', async () => {
    await expect(echo(`wss://127.0.0.1:${listener.port}/socket`)).rejects.toThrow(/certificate/);
  });

  it('reports a taken port as PortInUseError', async () => {
    const attempt = listenHttpAndHttps({
      host: '127.0.0.1',
      port: listener.port,
      tls: certificates,
      onRequest: () => {},
      onUpgrade: () => {},
    });
    await expect(attempt).rejects.toBeInstanceOf(PortInUseError);
    await expect(attempt).rejects.toMatchObject({ port: listener.port });
  });

  it('close() ends open connections promptly', async () => {
    const own = await listenHttpAndHttps({
      host: '127.0.0.1',
      port: 0,
      tls: certificates,
      onRequest: (_req, res) => res.end('ok'),
      onUpgrade: (req, socket, head) => {
        echoServer.handleUpgrade(req, socket, head, () => {});
      },
    });
    const socket = new WebSocket(`wss://127.0.0.1:${own.port}/socket`, { ca: certificates.caCertPem });
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    const idle = new http.Agent({ keepAlive: true });
    await new Promise<void>((resolve, reject) =>
      http.get({ host: '127.0.0.1', port: own.port, agent: idle }, (res) => res.resume().on('end', resolve)).on('error', reject),
    );
    const closed = new Promise<number>((resolve) => socket.once('close', resolve));
    const started = Date.now();
    await own.close();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await closed).toBe(1006);
    idle.destroy();
    await expect(request('http', '/')).resolves.toBeTruthy(); // the shared listener is unaffected
  });
});

/**
 * Builds the web page once with Vite's JS API (cached by a hash of its sources and the SDK's) and serves it with
 * `/amplify_outputs.json` beside it. Against the local cloud the same port also speaks HTTPS with the local
 * AppSync's certificate, so a browser that does not trust the local CA can accept one certificate for the host.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureLocalCertificates, listenHttpAndHttps, PortInUseError } from '../../local/appsync/tls/index.js';
import { WebPageBuildError, WebPagePortInUseError } from './errors.js';

const WEB_DIR = path.dirname(fileURLToPath(import.meta.url));
const ROOT_DIR = path.resolve(WEB_DIR, '../..');
/** What the bundle is made of: the page, the SDK it imports, and the locked dependency versions. */
const SOURCE_DIRS = [WEB_DIR, path.join(ROOT_DIR, 'clients/sdk')];
const LOCK_FILE = path.join(ROOT_DIR, 'package-lock.json');
const OUTPUTS_PATH = '/amplify_outputs.json';
const BUILD_HASH_LENGTH = 20;
const BUILD_DIR_NAME = new RegExp(`^[0-9a-f]{${BUILD_HASH_LENGTH}}$`);

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.map': 'application/json; charset=utf-8',
};

export interface WebPageOptions {
  readonly port: number;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** `amplify_outputs.json` as the page should read it (the local cloud's or a deployed stack's). */
  readonly outputs: unknown;
  /** Where built pages are kept, one folder per source hash. */
  readonly cacheDir: string;
}

export interface WebPage {
  /** e.g. `http://127.0.0.1:4002/` */
  readonly url: string;
  /** The same page over HTTPS with the local cloud's certificate; null when the outputs name no local CA. */
  readonly httpsUrl: string | null;
  close(): Promise<void>;
}

/**
 * Builds (or reuses the cached build of) the page and serves it with the given outputs.
 *
 * @throws WebPageBuildError when Vite fails.
 * @throws WebPagePortInUseError when the port is taken.
 * @example
 * ```ts
 * const page = await startWebPage({ port: 4002, outputs: cloud.outputs, cacheDir: '.wavechat/web' });
 * console.log(`Chat in your browser: ${page.url}`);
 * await page.close();
 * ```
 */
export async function startWebPage(options: WebPageOptions): Promise<WebPage> {
  const host = options.host ?? '127.0.0.1';
  const buildDir = await buildWebPage(options.cacheDir);
  const outputsJson = JSON.stringify(options.outputs);
  const onRequest: http.RequestListener = (req, res) => {
    void serveFile(buildDir, outputsJson, req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('Internal error');
    });
  };
  const urlHost = host.includes(':') ? `[${host}]` : host;
  const caFile = localCaFile(options.outputs);
  if (caFile === undefined) {
    const server = http.createServer(onRequest);
    const port = await listen(server, options.port, host);
    return {
      url: `http://${urlHost}:${port}/`,
      httpsUrl: null,
      close: () => closeServer(server),
    };
  }
  // The local AppSync's certificate directory holds the CA next to the server certificate it signed.
  const tls = await ensureLocalCertificates(path.dirname(caFile));
  try {
    const listener = await listenHttpAndHttps({
      host,
      port: options.port,
      tls,
      onRequest,
      onUpgrade: (_req, socket) => socket.destroy(),
    });
    return {
      url: `http://${urlHost}:${listener.port}/`,
      httpsUrl: `https://${urlHost}:${listener.port}/`,
      close: () => listener.close(),
    };
  } catch (error) {
    if (error instanceof PortInUseError) throw new WebPagePortInUseError(options.port, host);
    throw error;
  }
}

/**
 * Returns the folder of the built page, building it into `cacheDir/<hash>` unless that exists. Concurrent builders
 * each build into a temporary folder and the first rename wins.
 */
export async function buildWebPage(cacheDir: string): Promise<string> {
  const target = path.join(cacheDir, await sourceHash());
  if (await isDirectory(target)) return target;
  await mkdir(cacheDir, { recursive: true });
  const temporary = `${target}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    const { build } = await import('vite');
    await build({
      root: WEB_DIR,
      configFile: false,
      envFile: false,
      logLevel: 'error',
      cacheDir: path.join(cacheDir, '.vite'),
      oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
      build: { outDir: temporary, emptyOutDir: true, reportCompressedSize: false, chunkSizeWarningLimit: 2_000 },
    });
  } catch (error) {
    await rm(temporary, { recursive: true, force: true });
    throw new WebPageBuildError(error instanceof Error ? error.message : String(error), { cause: error });
  }
  try {
    await rename(temporary, target);
  } catch (error) {
    await rm(temporary, { recursive: true, force: true });
    // Another process finished the same build first.
    if (!(await isDirectory(target))) throw error;
  }
  await removeOtherBuilds(cacheDir, path.basename(target));
  return target;
}

/** Builds of older sources are never served again. */
async function removeOtherBuilds(cacheDir: string, keep: string): Promise<void> {
  const entries = await readdir(cacheDir);
  const stale = entries.filter((name) => BUILD_DIR_NAME.test(name) && name !== keep);
  await Promise.all(stale.map((name) => rm(path.join(cacheDir, name), { recursive: true, force: true })));
}

/** SHA-256 over every source file's path and content, and the lock file. */
async function sourceHash(): Promise<string> {
  const hash = createHash('sha256');
  for (const dir of SOURCE_DIRS) {
    for (const file of await sourceFiles(dir)) {
      hash.update(path.relative(ROOT_DIR, file)).update('\0').update(await readFile(file)).update('\0');
    }
  }
  hash.update(await readFile(LOCK_FILE));
  return hash.digest('hex').slice(0, BUILD_HASH_LENGTH);
}

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile() && !entry.parentPath.split(path.sep).includes('node_modules'))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
}

async function isDirectory(dir: string): Promise<boolean> {
  try {
    return (await stat(dir)).isDirectory();
  } catch {
    return false;
  }
}

function localCaFile(outputs: unknown): string | undefined {
  const caFile = (outputs as { custom?: { wavechat?: { caFile?: unknown } } } | null)?.custom?.wavechat?.caFile;
  return typeof caFile === 'string' ? caFile : undefined;
}

/** GET and HEAD of the outputs, a built file, or (for other paths without an extension) index.html. */
async function serveFile(buildDir: string, outputsJson: string, req: http.IncomingMessage, res: http.ServerResponse) {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' }).end('Method not allowed');
    return;
  }
  const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://page').pathname);
  if (pathname === OUTPUTS_PATH) {
    res.writeHead(200, { 'content-type': CONTENT_TYPES['.json'], 'cache-control': 'no-store' });
    res.end(req.method === 'HEAD' ? undefined : outputsJson);
    return;
  }
  const file = path.join(buildDir, path.normalize(pathname));
  const inside = file.startsWith(buildDir + path.sep);
  const exists = inside && (await stat(file).catch(() => null))?.isFile() === true;
  if (!exists && path.extname(pathname) !== '') {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found');
    return;
  }
  const found = exists ? file : path.join(buildDir, 'index.html');
  const hashedAsset = exists && pathname.startsWith('/assets/');
  res.writeHead(200, {
    'content-type': CONTENT_TYPES[path.extname(found)] ?? 'application/octet-stream',
    'cache-control': hashedAsset ? 'public, max-age=31536000, immutable' : 'no-cache',
    'x-content-type-options': 'nosniff',
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  createReadStream(found).pipe(res);
}

function listen(server: http.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      reject(error.code === 'EADDRINUSE' ? new WebPagePortInUseError(port, host) : error);
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : port);
    });
  });
}

function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/**
 * Serves the GraphQL IDE — GraphiQL with AppSync's HTTP and real-time protocols and a user-pool sign-in, standing
 * in for the AppSync console's query editor — on the endpoint's own port: a browser's GET of the GraphQL path (or
 * `/`) gets the page, so it loads from the API's origin over http:// and https:// alike.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LocalLogger } from '../../logging/logger.js';
import { createIdeBundle, type IdeAssets } from './bundle.js';
import type { IdeConfig } from './config.js';
import { ASSET_PATH_PREFIX, idePage } from './page.js';

export interface IdeHandlerOptions {
  readonly config: IdeConfig;
  /** Where built bundles are kept, one folder per source hash. */
  readonly cacheDir: string;
  /** A failed bundle build is logged here. @default silent */
  readonly logger?: LocalLogger;
}

/** Answers IDE requests and returns true; returns false (leaving the response alone) for anything else. */
export type IdeHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

const ASSET_TYPES: Readonly<Record<keyof IdeAssets, string>> = {
  'app.js': 'text/javascript; charset=utf-8',
  'app.css': 'text/css; charset=utf-8',
};

/**
 * @example
 * ```ts
 * const ide = createIdeHandler({ config: { apiName: 'chat', graphqlPath: '/graphql', realtimePath: '/graphql/realtime',
 *   userPool: null }, cacheDir: 'node_modules/.cache/wavechat/ide' });
 * http.createServer((req, res) => ide(req, res) || handleGraphql(req, res));
 * ```
 */
export function createIdeHandler(options: IdeHandlerOptions): IdeHandler {
  const bundle = createIdeBundle(options.cacheDir);
  const pagePaths = new Set(['/', options.config.graphqlPath]);
  return (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const requestPath = (req.url ?? '/').split('?')[0] ?? '/';
    if (pagePaths.has(requestPath) && acceptsHtml(req)) {
      void bundle.hash().then(
        (hash) => send(res, 200, 'text/html; charset=utf-8', idePage(options.config, hash), 'no-cache'),
        (error: unknown) => fail(res, error, options.logger),
      );
      return true;
    }
    if (!requestPath.startsWith(ASSET_PATH_PREFIX)) return false;
    const [hash, name] = requestPath.slice(ASSET_PATH_PREFIX.length).split('/');
    void bundle
      .hash()
      .then(async (current) => {
        if (hash !== current || !isAssetName(name)) {
          send(res, 404, 'text/plain; charset=utf-8', 'Not found', 'no-cache');
          return;
        }
        const assets = await bundle.assets();
        send(res, 200, ASSET_TYPES[name], assets[name], 'public, max-age=31536000, immutable');
      })
      .catch((error: unknown) => fail(res, error, options.logger));
    return true;
  };
}

/** A browser navigating asks for HTML; fetch(), curl and GraphQL clients do not. */
function acceptsHtml(req: IncomingMessage): boolean {
  return (req.headers.accept ?? '').includes('text/html');
}

function isAssetName(name: string | undefined): name is keyof IdeAssets {
  return name !== undefined && Object.hasOwn(ASSET_TYPES, name);
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer, cacheControl: string): void {
  res.writeHead(status, {
    'content-type': type,
    'cache-control': cacheControl,
    'content-length': Buffer.byteLength(body),
  });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

function fail(res: ServerResponse, error: unknown, logger: LocalLogger | undefined): void {
  logger?.error({ err: error }, 'GraphQL IDE unavailable');
  if (res.headersSent) {
    res.destroy();
    return;
  }
  send(res, 500, 'text/plain; charset=utf-8', error instanceof Error ? error.message : String(error), 'no-cache');
}

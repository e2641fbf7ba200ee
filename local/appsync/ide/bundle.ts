/**
 * The IDE's browser bundle (GraphiQL, React and the client in `client/`), built by esbuild the first time the page
 * is asked for — not at start-up — and kept in a cache folder named by the hash of its sources and the lock file,
 * so later starts reuse it and an edit rebuilds it.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { IdeBundleError } from './errors.js';

const IDE_DIR = path.dirname(fileURLToPath(import.meta.url));
const ROOT_DIR = path.resolve(IDE_DIR, '../../..');
const ENTRY = path.join(IDE_DIR, 'client', 'main.ts');
/** Everything the bundle is made of besides node_modules, which the lock file stands for. */
const SOURCES = [
  path.join(IDE_DIR, 'client'),
  path.join(IDE_DIR, 'config.ts'),
  path.join(IDE_DIR, '..', 'realtime', 'protocol.ts'),
  path.join(ROOT_DIR, 'package-lock.json'),
];

/** The built files, as served. */
export interface IdeAssets {
  readonly 'app.js': Buffer;
  readonly 'app.css': Buffer;
}

export interface IdeBundle {
  /** Hash of the sources: names the cache folder and the asset URLs. */
  hash(): Promise<string>;
  /** The built files: from the cache, or built now (once, however many ask at the same time). */
  assets(): Promise<IdeAssets>;
}

/**
 * @example
 * ```ts
 * const bundle = createIdeBundle('node_modules/.cache/wavechat/ide');
 * const { 'app.js': js } = await bundle.assets();
 * ```
 */
export function createIdeBundle(cacheDir: string): IdeBundle {
  let hashing: Promise<string> | undefined;
  let building: Promise<IdeAssets> | undefined;
  const hash = (): Promise<string> => (hashing ??= sourceHash());
  return {
    hash,
    assets() {
      building ??= hash()
        .then((sources) => cachedBuild(cacheDir, sources))
        .catch((error: unknown) => {
          building = undefined;
          throw error;
        });
      return building;
    },
  };
}

async function cachedBuild(cacheDir: string, sourceHash: string): Promise<IdeAssets> {
  const target = path.join(cacheDir, sourceHash);
  const cached = await readAssets(target);
  if (cached) return cached;
  await mkdir(cacheDir, { recursive: true });
  const temporary = `${target}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    const esbuild = await import('esbuild');
    await esbuild.build({
      entryPoints: [ENTRY],
      absWorkingDir: ROOT_DIR,
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      minify: true,
      outdir: temporary,
      entryNames: 'app',
      define: { 'process.env.NODE_ENV': '"production"' },
      legalComments: 'none',
      logLevel: 'silent',
    });
  } catch (error) {
    await rm(temporary, { recursive: true, force: true });
    throw new IdeBundleError(error instanceof Error ? error.message : String(error), { cause: error });
  }
  try {
    await rename(temporary, target);
  } catch (error) {
    await rm(temporary, { recursive: true, force: true });
    // Another process finished the same build first.
    if (!(await readAssets(target))) throw error;
  }
  const built = await readAssets(target);
  if (!built) throw new IdeBundleError(`esbuild wrote no app.js and app.css into ${target}`);
  return built;
}

async function readAssets(dir: string): Promise<IdeAssets | undefined> {
  try {
    const [js, css] = await Promise.all([readFile(path.join(dir, 'app.js')), readFile(path.join(dir, 'app.css'))]);
    return { 'app.js': js, 'app.css': css };
  } catch {
    return undefined;
  }
}

/** SHA-256 over every source file's path (relative to the root) and content. */
async function sourceHash(): Promise<string> {
  const hash = createHash('sha256');
  for (const file of (await Promise.all(SOURCES.map(filesUnder))).flat().sort()) {
    hash.update(path.relative(ROOT_DIR, file)).update('\0').update(await readFile(file)).update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

async function filesUnder(entry: string): Promise<string[]> {
  const info = await stat(entry).catch(() => undefined);
  if (!info) return [];
  if (!info.isDirectory()) return [entry];
  const names = await readdir(entry);
  return (await Promise.all(names.map((name) => filesUnder(path.join(entry, name))))).flat();
}

/** Worker threads don't inherit vitest's TypeScript transform: their entry files are bundled to JavaScript first. */
import { mkdir, mkdtemp } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const bundles = new Map<string, Promise<string>>();

/**
 * Bundles a worker's TypeScript entry (and the repo's modules it imports) to one ES module, once per process;
 * resolves with its path. Packages stay external: the bundle lives inside the repo, so they resolve from
 * node_modules.
 *
 * @example
 * const worker = new Worker(await bundledWorker(new URL('./my-worker.ts', import.meta.url)), { workerData });
 */
export function bundledWorker(entry: URL): Promise<string> {
  const source = fileURLToPath(entry);
  let bundle = bundles.get(source);
  if (bundle === undefined) {
    bundle = bundleOnce(source);
    bundles.set(source, bundle);
  }
  return bundle;
}

async function bundleOnce(source: string): Promise<string> {
  const cacheDir = fileURLToPath(new URL('../../node_modules/.cache/', import.meta.url));
  await mkdir(cacheDir, { recursive: true });
  const dir = await mkdtemp(path.join(cacheDir, `wavechat-${path.basename(source, '.ts')}-`));
  const outfile = path.join(dir, 'worker.mjs');
  await build({
    entryPoints: [source],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    packages: 'external',
    absWorkingDir: path.dirname(source),
    logLevel: 'error',
  });
  return outfile;
}

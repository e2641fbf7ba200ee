/**
 * Bundling for the Lambda runtime, as CDK's NodejsFunction bundles a function: esbuild, platform node, ESM, target
 * node20. Unlike a deployment bundle, packages stay external: bundles are written under the repository's
 * node_modules, so their bare imports resolve to the repository's installed packages.
 */
import path from 'node:path';
import { build, formatMessages, type BuildOptions } from 'esbuild';
import { LambdaBundleError } from './errors.js';

/** The module file of a bundled function, named as NodejsFunction names it (`_HANDLER` is `index.<export>`). */
export const FUNCTION_MODULE = 'index';

const BUNDLE_OPTIONS: BuildOptions = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  // Stack traces in error reports and logs point at the TypeScript sources (the worker enables source maps).
  sourcemap: 'inline',
  sourcesContent: false,
  logLevel: 'silent',
};

function isBuildFailure(error: unknown): error is { errors: Parameters<typeof formatMessages>[0] } {
  return typeof error === 'object' && error !== null && Array.isArray((error as { errors?: unknown }).errors);
}

/**
 * Bundles a function's TypeScript entry into `<outDir>/index.mjs`.
 * @returns the bundle's path
 * @throws {@link LambdaBundleError} naming the function, with esbuild's messages
 */
export async function bundleFunction(
  functionName: string,
  entry: string,
  rootDir: string,
  outDir: string,
): Promise<string> {
  const outfile = path.join(outDir, `${FUNCTION_MODULE}.mjs`);
  try {
    await build({ ...BUNDLE_OPTIONS, entryPoints: [path.resolve(rootDir, entry)], outfile, absWorkingDir: rootDir });
  } catch (error) {
    if (!isBuildFailure(error)) throw error;
    const messages = await formatMessages(error.errors, { kind: 'error', color: false });
    throw new LambdaBundleError(functionName, entry, messages.join('').trimEnd());
  }
  return outfile;
}

/** Bundles the containers' entry module (worker.ts, in TypeScript like the rest of this folder) into `outFile`. */
export async function bundleWorkerEntry(workerSource: string, outFile: string): Promise<void> {
  await build({ ...BUNDLE_OPTIONS, entryPoints: [workerSource], outfile: outFile });
}

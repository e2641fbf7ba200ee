/**
 * Resolver code as AppSync receives it, compiled by the very function the local cloud runs resolvers with.
 * Compiling is asynchronous (esbuild), constructing CDK constructs is not: compile first, then build the stack.
 */
import path from 'node:path';
import type { GraphqlApiDefinition } from '../local/appsync/description.js';
import { compileResolverCode } from '../local/appsync/runtime/index.js';

/** Compiled APPSYNC_JS modules, keyed by the description's code path (relative to the repository root). */
export type CompiledApiCode = ReadonlyMap<string, string>;

/**
 * Compiles every resolver and function code file an API description names, each file once.
 *
 * @param api - The API description (`chatApi`).
 * @param rootDir - The directory the description's paths are relative to.
 * @throws CodeCompileError or CodeTooLargeError (from `local/appsync/runtime`) for a file AppSync would refuse.
 *
 * @example
 * ```ts
 * const code = await compileApiCode(chatApi, rootDir);
 * code.get('resolvers/pipeline.ts'); // the bundled ES module
 * ```
 */
export async function compileApiCode(api: GraphqlApiDefinition, rootDir: string): Promise<CompiledApiCode> {
  const files = [...new Set([...api.functions.map((f) => f.code), ...api.resolvers.map((r) => r.code)])];
  const compiled = await Promise.all(files.map((file) => compileResolverCode(path.resolve(rootDir, file))));
  return new Map(files.map((file, index) => [file, compiled[index] as string]));
}

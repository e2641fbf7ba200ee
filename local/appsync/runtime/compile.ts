/**
 * Compiles an APPSYNC_JS resolver source file into the ES module AppSync receives as `code`.
 *
 * Shared by the local cloud and the CDK app, so both run the very same artifact.
 */
import path from 'node:path';
import { build, type Message } from 'esbuild';
import { CodeCompileError, CodeTooLargeError } from './errors.js';

/** Longest `code` AppSync accepts (CreateResolver / CreateFunction). */
export const MAX_CODE_LENGTH = 32_768;

/** Modules the APPSYNC_JS runtime provides; they must stay imports, never be bundled. */
export const RUNTIME_MODULES: readonly string[] = ['@aws-appsync/utils', '@aws-appsync/utils/dynamodb'];

/**
 * Bundles a TypeScript or JavaScript resolver file the way AWS recommends for APPSYNC_JS: one ESM file, target
 * esnext, platform node, inline source map without sources content, `@aws-appsync/*` runtime modules external.
 *
 * Paths in the output (module comments, source map `sources`) are relative to the file's folder, so the artifact
 * does not depend on the caller's working directory.
 *
 * @param file - Path of the resolver source (absolute or relative to the working directory).
 * @returns The bundled ES module source.
 * @throws CodeCompileError when esbuild fails; CodeTooLargeError when the result exceeds {@link MAX_CODE_LENGTH}.
 *
 * @example
 * ```ts
 * const code = await compileResolverCode('resolvers/Query.getMessage.ts');
 * new appsync.Resolver(stack, 'GetMessage', { code: appsync.Code.fromInline(code), runtime: ..., ... });
 * ```
 */
export async function compileResolverCode(file: string): Promise<string> {
  const absoluteFile = path.resolve(file);
  let code: string | undefined;
  try {
    const result = await build({
      entryPoints: [absoluteFile],
      absWorkingDir: path.dirname(absoluteFile),
      bundle: true,
      write: false,
      format: 'esm',
      target: 'esnext',
      platform: 'node',
      sourcemap: 'inline',
      sourcesContent: false,
      external: [...RUNTIME_MODULES],
      logLevel: 'silent',
    });
    code = result.outputFiles[0]?.text;
  } catch (error) {
    throw new CodeCompileError(file, describeBuildFailure(error, path.dirname(absoluteFile)));
  }
  if (code === undefined) {
    throw new CodeCompileError(file, ['esbuild produced no output']);
  }
  if (code.length > MAX_CODE_LENGTH) {
    throw new CodeTooLargeError(file, code.length, MAX_CODE_LENGTH);
  }
  return code;
}

/** esbuild's messages as `file:line:column: text`, files relative to the working directory like the input. */
function describeBuildFailure(error: unknown, buildDir: string): string[] {
  const messages = (error as { errors?: Message[] } | null)?.errors;
  if (!Array.isArray(messages) || messages.length === 0) {
    return [error instanceof Error ? error.message : String(error)];
  }
  return messages.map((message) => {
    const location = message.location;
    if (!location) return message.text;
    const file = path.relative(process.cwd(), path.resolve(buildDir, location.file));
    return `${file}:${location.line}:${location.column + 1}: ${message.text}`;
  });
}

/**
 * The APPSYNC_JS runtime: compiles resolver code as AppSync receives it, refuses what AppSync would refuse, and
 * runs `request`/`response` handlers in a sandbox realm. The engine's contract is in `types.ts`.
 */
export { AppSyncJsRuntime, type AppSyncJsRuntimeOptions } from './sandbox.js';
export { compileResolverCode } from './compile.js';
export { validateResolverCode } from './validate.js';
export * from './errors.js';

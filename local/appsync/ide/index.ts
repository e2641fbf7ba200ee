/** The GraphQL IDE served by the local AppSync endpoint (the AppSync console's query editor, locally). */
export { createIdeHandler, type IdeHandler, type IdeHandlerOptions } from './handler.js';
export { createIdeBundle, type IdeAssets, type IdeBundle } from './bundle.js';
export type { IdeConfig, IdeUserPool } from './config.js';
export { IdeBundleError } from './errors.js';

/**
 * The app infra/ deploys, as one module: the very descriptions the local cloud runs — the GraphQL API
 * (resolvers/api.ts) and the raw-WebSocket side (lambdas/app.ts). `bin/app.ts` passes this module to
 * `createChatStack`; a part whose export is missing here is simply left out of the stack.
 */
export { chatApi } from '../resolvers/api.js';
export { chatFunctions, chatStreamConsumers, chatWebSocketApi } from '../lambdas/app.js';

/**
 * A local Amazon API Gateway WebSocket API with its `@connections` management endpoint.
 *
 * @example
 * ```ts
 * import { startWebSocketGateway } from './local/apigateway-websocket/index.js';
 *
 * const gateway = await startWebSocketGateway({
 *   definition: { name: 'chat', routes: [{ routeKey: '$default', function: 'echo' }] },
 *   invoke: (functionName, event) => invokeLambda(handlers[functionName], event, { functionName }),
 * });
 * // clients: new WebSocket(gateway.url)
 * // functions: new ApiGatewayManagementApiClient({ endpoint: gateway.managementUrl, region: 'us-east-1' })
 * await gateway.close();
 * ```
 */
export { startWebSocketGateway, type WebSocketGateway, type WebSocketGatewayOptions } from './gateway.js';
export type { ConnectionsThrottleOptions } from './connections-throttle.js';
export type { WebSocketApiDefinition, WebSocketRouteDefinition } from './description.js';
export { PortInUseError, WebSocketApiDefinitionError, WebSocketGatewayOptionsError } from './errors.js';
export { MAX_FRAME_BYTES, MAX_MESSAGE_BYTES, MAX_CLIENT_BUFFER_BYTES } from './connection.js';

/** An API Gateway WebSocket API as the app describes it; run by local/apigateway-websocket, deployed by infra/. */

export interface WebSocketRouteDefinition {
  /** `$connect`, `$disconnect`, `$default` or a custom key such as `sendmessage`. */
  readonly routeKey: string;
  /** Name of the Lambda function (in the app's function list) integrated with the route (AWS_PROXY). */
  readonly function: string;
}

export interface WebSocketApiDefinition {
  readonly name: string;
  /** @default '$request.body.action' */
  readonly routeSelectionExpression?: string;
  /** A Lambda REQUEST authorizer on `$connect`. */
  readonly authorizer?: {
    readonly function: string;
    /**
     * Identity sources that must be present, e.g. `route.request.querystring.token`; when one is missing API Gateway
     * answers 401 without calling the authorizer. @default [] (the authorizer decides)
     */
    readonly identitySource?: readonly string[];
  };
  readonly routes: readonly WebSocketRouteDefinition[];
  /** Stage name; the `@connections` endpoint lives under it. @default 'prod' */
  readonly stageName?: string;
}

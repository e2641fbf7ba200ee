/** Errors thrown while starting the local API Gateway WebSocket API. */

/** Another process already listens on the port the gateway was asked to use. */
export class PortInUseError extends Error {
  override readonly name = 'PortInUseError';

  constructor(readonly port: number, readonly host: string) {
    super(`Port ${port} on ${host} is already in use; the WebSocket API cannot listen there.`);
  }
}

/** The WebSocket API definition asks for something API Gateway rejects or this emulator does not run. */
export class WebSocketApiDefinitionError extends Error {
  override readonly name = 'WebSocketApiDefinitionError';

  constructor(apiName: string, problem: string) {
    super(`WebSocket API ${apiName}: ${problem}`);
  }
}

/** An option of `startWebSocketGateway` is out of range. */
export class WebSocketGatewayOptionsError extends Error {
  override readonly name = 'WebSocketGatewayOptionsError';
}

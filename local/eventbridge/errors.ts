/** Errors thrown by the local EventBridge endpoint (never sent over the wire: clients get AWS error bodies). */

/** `events(busName)` named a bus the endpoint was not started with. */
export class UnknownEventBusError extends Error {
  override readonly name = 'UnknownEventBusError';

  constructor(readonly busName: string, known: readonly string[]) {
    super(`Event bus ${busName} does not exist here; the local EventBridge has ${known.join(', ')}`);
  }
}

/** `waitFor` saw no matching event in time. */
export class EventWaitTimeoutError extends Error {
  override readonly name = 'EventWaitTimeoutError';

  constructor(readonly timeoutMs: number) {
    super(`No matching event arrived on the local EventBridge within ${timeoutMs} ms`);
  }
}

/** The endpoint was closed while a `waitFor` was pending. */
export class LocalEventBridgeClosedError extends Error {
  override readonly name = 'LocalEventBridgeClosedError';

  constructor() {
    super('The local EventBridge was closed');
  }
}

/** An option of `startLocalEventBridge` is out of range. */
export class LocalEventBridgeOptionsError extends Error {
  override readonly name = 'LocalEventBridgeOptionsError';
}

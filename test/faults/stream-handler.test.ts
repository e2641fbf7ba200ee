/**
 * The push stream handler failing and timing out, for real: chatStreamPush runs in the local Lambda runtime's
 * worker threads with a 1 s timeout, read by the local event-source mapping, and its `@connections` calls pass a
 * proxy that fails or holds them. Retries and bisection must deliver every message to every raw connection, in
 * order, with nothing skipped (repeats allowed: delivery is at least once).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatchDiscardedError, FunctionBatchError } from '../../local/dynamodb-streams/index.js';
import { LambdaTimeoutError } from '../../local/lambda/errors.js';
import { resolveDefinition } from '../../local/apigateway-websocket/definition.js';
import { chatWebSocketApi } from '../../lambdas/app.js';
import { ENVIRONMENT } from '../../lambdas/shared/environment.js';
import {
  CLOUD_START_TIMEOUT_MS,
  firstArrivals,
  printFigures,
  pushPoller,
  startFaultCloud,
  watchedRoom,
  type FaultCloud,
  type WatchedRoom,
} from './support/chat.js';
import { startConnectionsProxy, type ConnectionsProxy } from './support/connections-proxy.js';

describe('the push stream handler failing or timing out', () => {
  let proxy: ConnectionsProxy;
  let cloud: FaultCloud;
  let room: WatchedRoom;

  beforeAll(async () => {
    proxy = await startConnectionsProxy(resolveDefinition(chatWebSocketApi).stageName);
    cloud = await startFaultCloud({
      adjustFunction: (definition) =>
        definition.name === 'chatStreamPush'
          ? {
              ...definition,
              timeoutSeconds: 1,
              environment: {
                ...definition.environment,
                [ENVIRONMENT.managementUrl]: proxy.url,
              },
            }
          : definition,
    });
    proxy.forwardTo(cloud.webSocket?.managementUrl ?? '');
    room = await watchedRoom(cloud, 'faults');
  }, CLOUD_START_TIMEOUT_MS);

  afterAll(async () => {
    await room?.close();
    await cloud?.stop();
    await proxy?.close();
  });

  /** After the stream is drained: every id reached both clients, first arrivals in posting order. */
  const expectDeliveredInOrder = async (ids: readonly string[]) => {
    await pushPoller(cloud).drain(30_000);
    const carolIds = room.carol.pushedMessageIds(room.roomId).filter((id) => ids.includes(id));
    expect(firstArrivals(carolIds)).toEqual(ids);
    // The raw-WebSocket client library drops repeated states: its listeners see each message once, in order.
    expect(room.bobMessages.map((message) => message.id).filter((id) => ids.includes(id))).toEqual(ids);
    return {
      carolFrames: carolIds.length,
      repeats: carolIds.length - ids.length,
    };
  };

  const newStreamErrors = (from: number) => cloud.streamErrors.slice(from);

  it('retries and bisects when @connections fails: everything delivered, in order, nothing discarded', async () => {
    const errorsBefore = cloud.streamErrors.length;
    const countsBefore = { ...proxy.counts };
    // More 500s than the SDK's attempts for one push: the record fails, and with it the batch.
    const injected = 12;
    proxy.inject({ kind: 'fail', status: 500, errorType: 'InternalServerErrorException' }, injected);
    const ids = await room.post('fail', 10);
    const delivered = await expectDeliveredInOrder(ids);

    const errors = newStreamErrors(errorsBefore);
    const functionFailures = errors.filter((error) => error instanceof FunctionBatchError);
    expect(functionFailures.length).toBeGreaterThan(0);
    expect(errors.filter((error) => error instanceof BatchDiscardedError)).toEqual([]);
    printFigures('@connections 500s', {
      faultsInjected: injected,
      faultsServed: proxy.counts.failed - countsBefore.failed,
      failedInvocations: functionFailures.length,
      messagesSent: ids.length,
      acknowledged: ids.length,
      deliveredToRaw: firstArrivals(room.carol.pushedMessageIds(room.roomId).filter((id) => ids.includes(id))).length,
      deliveredToClientLibrary: room.bobMessages.filter((message) => ids.includes(message.id)).length,
      rawFrames: delivered.carolFrames,
      repeats: delivered.repeats,
      discarded: 0,
    });
  });

  it('kills an invocation past its timeout (Task timed out), retries it, and delivers everything in order', async () => {
    const errorsBefore = cloud.streamErrors.length;
    // The first push hangs past the function's 1 s timeout; the runtime must end the invocation, not wait for it.
    proxy.inject({ kind: 'hold', ms: 1_500 }, 1);
    const ids = await room.post('timeout', 10);
    const delivered = await expectDeliveredInOrder(ids);

    const errors = newStreamErrors(errorsBefore);
    const timeouts = errors.filter(
      (error) => error instanceof FunctionBatchError && error.cause instanceof LambdaTimeoutError,
    ) as FunctionBatchError[];
    expect(timeouts.length).toBeGreaterThan(0);
    const timeout = timeouts[0]?.cause as LambdaTimeoutError;
    expect(timeout.errorType).toBe('Sandbox.Timedout');
    expect(timeout.errorMessage).toMatch(/Task timed out after 1\.00 seconds/);
    expect(errors.filter((error) => error instanceof BatchDiscardedError)).toEqual([]);
    printFigures('stream handler timeout', {
      faultsInjected: 1,
      timedOutInvocations: timeouts.length,
      failedInvocations: errors.filter((error) => error instanceof FunctionBatchError).length,
      messagesSent: ids.length,
      acknowledged: ids.length,
      deliveredToRaw: firstArrivals(room.carol.pushedMessageIds(room.roomId).filter((id) => ids.includes(id))).length,
      deliveredToClientLibrary: room.bobMessages.filter((message) => ids.includes(message.id)).length,
      rawFrames: delivered.carolFrames,
      repeats: delivered.repeats,
      discarded: 0,
    });
  });
});

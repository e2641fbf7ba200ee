/**
 * The messages between a test and the worker thread that runs one user's SDK (sdk-user.ts, sdk-user-worker.ts).
 * Values cross by structured clone; functions (subscription handlers) cross as callback ids, and ChatApiErrors as
 * their operation and GraphQL errors, so the test side gets real ChatApiErrors back.
 */
import { ChatApiError, type ChatApiErrorDetail } from '../../clients/sdk/errors.js';
import type { ChatOutputs } from '../../clients/sdk/index.js';

/** Stands for a function argument: the worker calls it by posting a `callback` reply with this id. */
export interface CallbackRef {
  readonly callbackId: number;
}

/** An error as it crosses the thread boundary. */
export type WireError =
  | { readonly kind: 'ChatApiError'; readonly operation: string; readonly errors: readonly ChatApiErrorDetail[] }
  | { readonly kind: 'Error'; readonly name: string; readonly message: string };

/** A value a callback receives: errors (a subscription's onError) are wrapped, everything else is as is. */
export type WireValue = { readonly error: WireError } | { readonly value: unknown };

/** The worker's first message: the outputs to run `createChat` with. It answers `ready`. */
export interface SdkConfigure {
  readonly outputs: ChatOutputs;
}

export type SdkRequest =
  | {
      readonly kind: 'call';
      readonly id: number;
      readonly group: string;
      readonly method: string;
      readonly args: readonly unknown[];
    }
  | { readonly kind: 'unsubscribe'; readonly id: number; readonly subscriptionId: number };

export type SdkReply =
  | { readonly kind: 'ready' }
  | { readonly kind: 'result'; readonly id: number; readonly value: unknown }
  /** The call returned a subscription, which the worker keeps under this id. */
  | { readonly kind: 'subscribed'; readonly id: number; readonly subscriptionId: number }
  | { readonly kind: 'failure'; readonly id: number; readonly error: WireError }
  | { readonly kind: 'callback'; readonly callbackId: number; readonly args: readonly WireValue[] }
  /** Amplify's real-time connection changed state (its Hub's ConnectionStateChange), e.g. `Connected`. */
  | { readonly kind: 'connectionState'; readonly state: string };

export function isCallbackRef(value: unknown): value is CallbackRef {
  return typeof value === 'object' && value !== null && typeof (value as CallbackRef).callbackId === 'number';
}

export function toWireError(error: unknown): WireError {
  if (error instanceof ChatApiError) {
    // Plain copies: the details may hold Amplify's GraphQLError instances, which don't clone.
    const errors = error.errors.map(({ message, errorType, errorInfo }) => ({ message, errorType, errorInfo }));
    return { kind: 'ChatApiError', operation: error.operation, errors };
  }
  if (error instanceof Error) return { kind: 'Error', name: error.name, message: error.message };
  return { kind: 'Error', name: 'Error', message: String(error) };
}

export function fromWireError(wire: WireError): Error {
  if (wire.kind === 'ChatApiError') return new ChatApiError(wire.operation, wire.errors);
  return Object.assign(new Error(wire.message), { name: wire.name });
}

export function toWireValue(value: unknown): WireValue {
  return value instanceof Error ? { error: toWireError(value) } : { value };
}

export function fromWireValue(wire: WireValue): unknown {
  return 'error' in wire ? fromWireError(wire.error) : wire.value;
}

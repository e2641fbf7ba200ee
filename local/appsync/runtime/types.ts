/**
 * The contract between the GraphQL engine and the APPSYNC_JS runtime.
 *
 * The engine resolves a field by starting a {@link ResolverRun} (one `ctx`, one `stash`) and calling the
 * `request`/`response` handlers of the resolver's and its functions' code in AppSync's order.
 */
import type { SubscriptionFilter } from '../subscriptions/types.js';

/** A GraphQL error as AppSync reports it (`util.error`, `util.appendError`, data-source errors). */
export interface GraphqlErrorRecord {
  readonly message: string;
  readonly errorType: string | null;
  readonly data: unknown;
  readonly errorInfo: unknown;
}

/** `ctx.info` */
export interface ResolverInfo {
  readonly fieldName: string;
  readonly parentTypeName: string;
  readonly variables: Record<string, unknown>;
  readonly selectionSetList: readonly string[];
  readonly selectionSetGraphQL: string;
}

/** What the engine knows about the field being resolved; becomes the read-only parts of `ctx`. */
export interface ResolverRunInput {
  readonly arguments: Record<string, unknown>;
  /** `ctx.identity`: null for API_KEY. */
  readonly identity: unknown;
  /** `util.authType()`'s answer, e.g. "User Pool Authorization". */
  readonly authType: string;
  /** Parent value for nested fields, null for root fields. */
  readonly source: unknown;
  readonly request: { readonly headers: Record<string, string>; readonly domainName: string | null };
  readonly info: ResolverInfo;
  readonly env: Record<string, string>;
}

/** Which handler of a code module to call. */
export type HandlerName = 'request' | 'response';

/** The per-call parts of `ctx`. */
export interface HandlerState {
  /** `ctx.prev`: `{ result }` in pipelines, null in unit resolvers. */
  readonly prev?: { readonly result: unknown } | null;
  /** `ctx.result` (response handlers only). */
  readonly result?: unknown;
  /** `ctx.error` (response handlers, when the data source failed). */
  readonly error?: { readonly message: string; readonly type: string } | null;
}

/** How a handler ended. Values are plain JSON (they crossed the sandbox boundary as JSON). */
export type HandlerOutcome =
  | { readonly kind: 'return'; readonly value: unknown }
  /** `skipTo` null: not given; AWS's default is NEXT in a function request handler, END elsewhere. */
  | { readonly kind: 'earlyReturn'; readonly value: unknown; readonly skipTo: 'END' | 'NEXT' | null }
  | { readonly kind: 'error'; readonly error: GraphqlErrorRecord };

/** Side effects recorded during a run, read by the engine afterwards. */
export interface RunEffects {
  /** `util.appendError` calls, in order. */
  readonly appendedErrors: GraphqlErrorRecord[];
  /** Last `extensions.setSubscriptionFilter` argument. */
  subscriptionFilter: SubscriptionFilter | null;
  /** Last `extensions.setSubscriptionInvalidationFilter` argument. */
  invalidationFilter: SubscriptionFilter | null;
  /** `extensions.invalidateSubscriptions` calls, de-duplicated. */
  readonly invalidations: { readonly subscriptionField: string; readonly payload: Record<string, unknown> }[];
  /** `extensions.evictFromApiCache` calls (no cache locally: recorded only). */
  readonly cacheEvictions: { readonly typeName: string; readonly fieldName: string; readonly keys: Record<string, unknown> }[];
  /** `console.log` / `console.error` lines. */
  readonly logs: { readonly level: 'log' | 'error'; readonly message: string }[];
}

/** One field's resolution: a single `ctx` whose `stash` lives across every handler call. */
export interface ResolverRun {
  call(code: LoadedCode, handler: HandlerName, state: HandlerState): HandlerOutcome;
  readonly effects: RunEffects;
}

/** A validated, evaluated APPSYNC_JS module. */
export interface LoadedCode {
  /** Where it came from, for messages. */
  readonly name: string;
  /** The ESM source as AppSync receives it. */
  readonly source: string;
  readonly hasRequest: boolean;
  readonly hasResponse: boolean;
}

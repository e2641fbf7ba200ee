/**
 * GraphiQL's fetcher for an AppSync endpoint: queries and mutations are POSTed with the authorization headers,
 * subscriptions go over the real-time protocol (same origin: ws:// for an http:// page, wss:// for https://).
 */
import { getOperationAST, parse, type DocumentNode } from 'graphql';
import type { GraphiQLProps } from 'graphiql';
import type { IdeConfig } from '../config.js';
import { browser } from './browser.js';
import { subscribe, type SubscriptionObserver, type SubscriptionState } from './realtime-client.js';

type Fetcher = GraphiQLProps['fetcher'];
/**
 * A result as GraphiQL shows it. Its type says `GraphQLError` for errors, but GraphiQL only prints them, and the
 * endpoint's JSON errors (AppSync's shape) are what the user needs to see, so plain objects are cast to it.
 */
type FetcherResult = Awaited<ReturnType<Fetcher>>;

export interface FetcherOptions {
  readonly config: IdeConfig;
  /** Sent as `Authorization` unless the headers editor sets one. Empty: none. */
  readonly authorization: string;
  readonly onSubscriptionState: (state: SubscriptionState) => void;
}

/**
 * @example
 * ```ts
 * const fetcher = createAppSyncFetcher({ config, authorization: token, onSubscriptionState: setState });
 * createElement(GraphiQL, { fetcher });
 * ```
 */
export function createAppSyncFetcher(options: FetcherOptions): Fetcher {
  const { config } = options;
  return (params, fetcherOptions) => {
    const headers = {
      ...(options.authorization ? { Authorization: options.authorization } : {}),
      ...stringValues(fetcherOptions?.headers),
    };
    const variables = isRecord(params.variables) ? params.variables : undefined;
    if (operationType(params.query, params.operationName, fetcherOptions?.documentAST) === 'subscription') {
      const scheme = browser.location.protocol === 'https:' ? 'wss:' : 'ws:';
      return {
        subscribe(observer: SubscriptionObserver) {
          const stop = subscribe(
            {
              url: `${scheme}//${browser.location.host}${config.realtimePath}`,
              host: browser.location.host,
              headers,
              query: params.query,
              variables,
              onState: options.onSubscriptionState,
            },
            observer,
          );
          return { unsubscribe: stop };
        },
      } as unknown as FetcherResult;
    }
    return post(config.graphqlPath, headers, {
      query: params.query,
      variables: variables ?? null,
      operationName: params.operationName ?? null,
    });
  };
}

async function post(path: string, headers: Record<string, string>, body: unknown): Promise<FetcherResult> {
  const response = await fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  try {
    return JSON.parse(text) as FetcherResult;
  } catch {
    return { errors: [{ message: `HTTP ${response.status}: ${text.slice(0, 200)}` }] } as unknown as FetcherResult;
  }
}

function operationType(
  query: string,
  operationName: string | null | undefined,
  document: DocumentNode | undefined,
): string | undefined {
  try {
    return getOperationAST(document ?? parse(query), operationName ?? undefined)?.operation;
  } catch {
    return undefined;
  }
}

/** Header values from the headers editor as strings (it accepts any JSON). */
function stringValues(headers: Record<string, unknown> | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value !== undefined && value !== null) result[name] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  return result;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The environment variables of the WebSocket and stream functions. lambdas/app.ts gives each function the ones it
 * reads, as references the local cloud and infra/ resolve.
 *
 * Variables are read on every invocation, never at module load: the local cloud may set a function's environment
 * only while it runs.
 */
import { MissingEnvironmentError } from './errors.js';

export const ENVIRONMENT = {
  /** The chat table's deployed name. */
  chatTable: 'CHAT_TABLE',
  /** The GraphQL API's HTTP endpoint (…/graphql). */
  graphqlUrl: 'GRAPHQL_URL',
  /** The WebSocket API's `@connections` base URL: https://{api}.execute-api.{region}.amazonaws.com/{stage}. */
  managementUrl: 'WEBSOCKET_MANAGEMENT_URL',
  /** Token issuer of the user pool: https://cognito-idp.{region}.amazonaws.com/{poolId} on AWS. */
  userPoolIssuer: 'USER_POOL_ISSUER',
  /** The app client whose tokens open connections. */
  userPoolClientId: 'USER_POOL_CLIENT_ID',
  /** The EventBridge bus chat events are published on (lambdas/shared/chat-events.ts). */
  eventBusName: 'EVENT_BUS_NAME',
} as const;

/** @throws {@link MissingEnvironmentError} when the variable is unset or empty */
export function requireEnvironment(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') throw new MissingEnvironmentError(name);
  return value;
}

/** The region Lambda runs in (the runtime sets AWS_REGION; locally the composer does). */
export function currentRegion(): string {
  return requireEnvironment('AWS_REGION');
}

/**
 * Memoises `create` for as long as the named variables keep their values, so a warm function reuses its clients
 * (and their connections) while a changed environment — a restarted local cloud — gets new ones.
 */
export function perEnvironment<T>(names: readonly string[], create: () => T): () => T {
  let cached: { readonly key: string; readonly value: T } | undefined;
  return () => {
    const key = JSON.stringify(names.map((name) => process.env[name] ?? null));
    if (cached?.key !== key) cached = { key, value: create() };
    return cached.value;
  };
}

/** Variables that decide where and as whom AWS SDK clients connect (credentials, region, endpoint overrides). */
export const SDK_ENVIRONMENT = [
  'AWS_REGION',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_ENDPOINT_URL',
  'AWS_ENDPOINT_URL_DYNAMODB',
  'AWS_ENDPOINT_URL_EVENTBRIDGE',
] as const;

/**
 * The bridge's GraphQL client: POSTs operations to the AppSync endpoint signed with SigV4 (service `appsync`) and
 * names the user the call acts for in `x-wavechat-user-id` (a signed header, so it cannot be altered in transit).
 * The API trusts that header from IAM callers only; see `callerId` in resolvers/lib/context.ts.
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { ENVIRONMENT, SDK_ENVIRONMENT, currentRegion, perEnvironment, requireEnvironment } from './environment.js';
import { GraphqlRequestError, type GraphqlErrorEntry } from './errors.js';

/** The header naming the user an IAM call acts for (resolvers/lib/context.ts `ACTING_USER_HEADER`). */
export const ACTING_USER_HEADER = 'x-wavechat-user-id';

/** Static keys, or a provider such as the SDK's default chain. */
export type SigningCredentials = ConstructorParameters<typeof SignatureV4>[0]['credentials'];

export interface AppSyncClientOptions {
  /** The GraphQL endpoint, e.g. https://abc.appsync-api.us-east-1.amazonaws.com/graphql. */
  readonly url: string;
  /** The region in the signature's credential scope. */
  readonly region: string;
  readonly credentials: SigningCredentials;
  /** @default 10000 */
  readonly timeoutMs?: number;
}

/** One named GraphQL operation. */
export interface GraphqlOperation {
  readonly operationName: string;
  readonly query: string;
  readonly variables?: Readonly<Record<string, unknown>>;
}

const DEFAULT_TIMEOUT_MS = 10_000;

export class AppSyncClient {
  private readonly url: URL;
  private readonly signer: SignatureV4;
  private readonly timeoutMs: number;

  constructor(options: AppSyncClientOptions) {
    this.url = new URL(options.url);
    this.signer = new SignatureV4({ service: 'appsync', region: options.region, credentials: options.credentials, sha256: Sha256 });
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /**
   * Runs `operation` as the user `actingUserId` and resolves with its `data`.
   *
   * @throws {@link GraphqlRequestError} when the answer carries errors or no data (rejected credentials included)
   * @example
   * ```ts
   * const client = new AppSyncClient({ url, region: 'us-east-1', credentials: defaultProvider() });
   * const data = await client.execute<{ room: { name: string } | null }>(
   *   { operationName: 'Room', query: 'query Room($id: ID!) { room(id: $id) { name } }', variables: { id: 'lobby' } },
   *   'user-sub',
   * );
   * ```
   */
  async execute<TData>(operation: GraphqlOperation, actingUserId: string): Promise<TData> {
    const body = JSON.stringify({ query: operation.query, operationName: operation.operationName, variables: operation.variables ?? {} });
    const signed = await this.signer.sign(
      new HttpRequest({
        method: 'POST',
        protocol: this.url.protocol,
        hostname: this.url.hostname,
        port: this.url.port === '' ? undefined : Number(this.url.port),
        path: this.url.pathname,
        headers: { host: this.url.host, 'content-type': 'application/json', [ACTING_USER_HEADER]: actingUserId },
        body,
      }),
    );
    // fetch sets Host itself (to the same url.host that was signed) and refuses to be given one.
    const { host: _host, ...headers } = signed.headers;
    const response = await fetch(this.url, { method: 'POST', headers, body, signal: AbortSignal.timeout(this.timeoutMs) });
    const text = await response.text();
    let answer: { data?: TData | null; errors?: readonly GraphqlErrorEntry[] };
    try {
      answer = JSON.parse(text) as typeof answer;
    } catch {
      throw new GraphqlRequestError(operation.operationName, response.status, [
        { errorType: 'InvalidResponse', message: `The API answered HTTP ${response.status} with a body that is not JSON` },
      ]);
    }
    if (answer.errors !== undefined && answer.errors.length > 0) {
      throw new GraphqlRequestError(operation.operationName, response.status, answer.errors);
    }
    if (!response.ok || answer.data === undefined || answer.data === null) {
      throw new GraphqlRequestError(operation.operationName, response.status, [
        { errorType: 'InvalidResponse', message: `The API answered HTTP ${response.status} without data` },
      ]);
    }
    return answer.data;
  }
}

/**
 * The client for this function's environment: GRAPHQL_URL, the region Lambda runs in, and the function's own
 * credentials from the SDK's default provider chain (the execution role on AWS; the local backend principal's keys,
 * which the local cloud puts in AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY).
 */
export const appSyncClientFromEnvironment: () => AppSyncClient = perEnvironment(
  [ENVIRONMENT.graphqlUrl, ...SDK_ENVIRONMENT],
  () =>
    new AppSyncClient({
      url: requireEnvironment(ENVIRONMENT.graphqlUrl),
      region: currentRegion(),
      credentials: defaultProvider(),
    }),
);

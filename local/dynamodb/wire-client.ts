/**
 * A small client for DynamoDB's JSON protocols (DynamoDB and DynamoDB Streams) over one keep-alive `node:http` agent,
 * for DynamoDB Local. It stands in for the AWS SDK's `client.send` where the local cloud itself calls DynamoDB Local
 * on a hot path (the AppSync data source, the Streams poller): the SDK's middleware stack, SigV4 signing and
 * (de)serialisation cost about twice the CPU of the HTTP request itself. Bodies are the wire format (attribute values
 * as `{ S: … }`); binary values are bytes or base64 as the caller chooses.
 *
 * DynamoDB Local checks that the `Authorization` header has SigV4's shape (it reads the access key and region from
 * the credential scope) but not the signature, so the header is built once per client and never signed.
 */
import { Agent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import type {
  BatchGetItemInput,
  BatchGetItemOutput,
  BatchWriteItemInput,
  BatchWriteItemOutput,
  DeleteItemInput,
  DeleteItemOutput,
  DynamoDBClient,
  GetItemInput,
  GetItemOutput,
  PutItemInput,
  PutItemOutput,
  QueryInput,
  QueryOutput,
  ScanInput,
  ScanOutput,
  TransactGetItemsInput,
  TransactGetItemsOutput,
  TransactWriteItemsInput,
  TransactWriteItemsOutput,
  UpdateItemInput,
  UpdateItemOutput,
} from '@aws-sdk/client-dynamodb';
import type {
  DescribeStreamInput,
  DescribeStreamOutput,
  GetRecordsInput,
  GetShardIteratorInput,
  GetShardIteratorOutput,
} from '@aws-sdk/client-dynamodb-streams';
import type { AttributeValue as WireAttributeValue } from 'aws-lambda';
import { DynamoDbServiceError, UnsupportedDynamoDbEndpointError, type DynamoDbErrorDetails } from './errors.js';
import { isNetworkError } from './network-errors.js';

/** An API's operations: each one's input and output shapes (the SDK's model types, in their wire form). */
type OperationShapes<Operations> = { [Name in keyof Operations]: { input: unknown; output: unknown } };

/** The data-plane operations of DynamoDB the local cloud runs. */
export interface DynamoDbOperations {
  GetItem: { input: GetItemInput; output: GetItemOutput };
  PutItem: { input: PutItemInput; output: PutItemOutput };
  UpdateItem: { input: UpdateItemInput; output: UpdateItemOutput };
  DeleteItem: { input: DeleteItemInput; output: DeleteItemOutput };
  Query: { input: QueryInput; output: QueryOutput };
  Scan: { input: ScanInput; output: ScanOutput };
  BatchGetItem: { input: BatchGetItemInput; output: BatchGetItemOutput };
  BatchWriteItem: { input: BatchWriteItemInput; output: BatchWriteItemOutput };
  TransactGetItems: { input: TransactGetItemsInput; output: TransactGetItemsOutput };
  TransactWriteItems: { input: TransactWriteItemsInput; output: TransactWriteItemsOutput };
}

/**
 * A stream record as GetRecords sends it: unlike the SDK's `_Record`, `ApproximateCreationDateTime` is epoch seconds
 * (the SDK makes a `Date`) and binary values are base64 strings (the SDK makes bytes) — Lambda's own form.
 */
export interface WireStreamRecord {
  readonly eventID?: string;
  readonly eventName?: 'INSERT' | 'MODIFY' | 'REMOVE';
  readonly eventVersion?: string;
  readonly eventSource?: string;
  readonly awsRegion?: string;
  readonly dynamodb?: {
    readonly ApproximateCreationDateTime?: number;
    readonly Keys?: Record<string, WireAttributeValue>;
    readonly NewImage?: Record<string, WireAttributeValue>;
    readonly OldImage?: Record<string, WireAttributeValue>;
    readonly SequenceNumber?: string;
    readonly SizeBytes?: number;
    readonly StreamViewType?: 'KEYS_ONLY' | 'NEW_IMAGE' | 'OLD_IMAGE' | 'NEW_AND_OLD_IMAGES';
  };
  /** TTL deletions: `{ Type: 'Service', PrincipalId: 'dynamodb.amazonaws.com' }`. */
  readonly userIdentity?: { readonly Type?: string; readonly PrincipalId?: string };
}

/** The DynamoDB Streams operations a stream reader runs. */
export interface DynamoDbStreamsOperations {
  DescribeStream: { input: DescribeStreamInput; output: DescribeStreamOutput };
  GetShardIterator: { input: GetShardIteratorInput; output: GetShardIteratorOutput };
  GetRecords: {
    input: GetRecordsInput;
    output: { readonly Records?: readonly WireStreamRecord[]; readonly NextShardIterator?: string };
  };
}

export interface WireClient<Operations extends OperationShapes<Operations>> {
  /**
   * Runs one operation. Rejects with {@link DynamoDbServiceError} when DynamoDB answers with an error, with Node's
   * network error (`code` ECONNREFUSED, ECONNRESET…) when it cannot be reached once the retries are spent, and with
   * the signal's reason when `signal` aborts.
   */
  send<Name extends keyof Operations & string>(
    operation: Name,
    input: Operations[Name]['input'],
    options?: { readonly signal?: AbortSignal },
  ): Promise<Operations[Name]['output']>;
  /** Closes its connections (calls under way fail); a later call opens new ones. */
  close(): void;
}

/** Which protocol a client speaks, and to whom. */
export interface WireClientSettings {
  /** DynamoDB Local's `http:` endpoint, e.g. `http://127.0.0.1:8000`. */
  readonly endpoint: string;
  readonly region: string;
  readonly accessKeyId: string;
  /** Attempts per call, retried as the SDK's standard mode retries. @default 3 */
  readonly maxAttempts?: number;
  /** A call that has not answered after this long fails with a network error (`ETIMEDOUT`). @default none */
  readonly requestTimeoutMs?: number;
}

/**
 * Binary attribute values (`B`, `BS`) in inputs and outputs: bytes (Uint8Array, as the AppSync data source works in)
 * or base64 (the wire's own strings, as Lambda delivers stream records).
 */
type BinaryForm = 'bytes' | 'base64';

/** The `X-Amz-Target` prefix of each API. */
const TARGET_PREFIX = { dynamodb: 'DynamoDB_20120810', streams: 'DynamoDBStreams_20120810' } as const;

/** Where and how to post, resolved once. */
interface Target {
  readonly hostname: string;
  readonly port: number;
  readonly path: string;
  readonly authorization: string;
  readonly maxAttempts: number;
  readonly requestTimeoutMs: number | undefined;
  readonly parse: (text: string) => unknown;
  readonly stringify: (input: unknown) => string;
}


/** The SDK's standard retry mode: these answers are worth another attempt (DynamoDB Local sends none of them). */
const THROTTLING_EXCEPTIONS: ReadonlySet<string> = new Set([
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'TransactionInProgressException',
]);
const TRANSIENT_STATUS_CODES: ReadonlySet<number> = new Set([500, 502, 503, 504]);
/** The SDK's standard retry mode: full-jitter exponential backoff from these bases, capped at 20 s. */
const RETRY_BASE_MS = 100;
const THROTTLING_RETRY_BASE_MS = 500;
const MAX_RETRY_DELAY_MS = 20_000;
/** Concurrent connections to DynamoDB Local, as the SDK's Node handler allows by default. */
const MAX_SOCKETS = 50;

function targetOf(settings: WireClientSettings, binary: BinaryForm): Target {
  const url = new URL(settings.endpoint);
  if (url.protocol !== 'http:') throw new UnsupportedDynamoDbEndpointError(`expected an http: endpoint, got ${url.protocol}`);
  const date = new Date().toISOString().slice(0, 10).replaceAll('-', '');
  const bytes = binary === 'bytes';
  return {
    hostname: url.hostname,
    port: url.port === '' ? 80 : Number(url.port),
    path: url.pathname,
    authorization:
      `AWS4-HMAC-SHA256 Credential=${settings.accessKeyId}/${date}/${settings.region}/dynamodb/aws4_request, ` +
      `SignedHeaders=content-type;host;x-amz-target, Signature=${'0'.repeat(64)}`,
    maxAttempts: Math.max(1, settings.maxAttempts ?? 3),
    requestTimeoutMs: settings.requestTimeoutMs,
    parse: bytes ? parseBody : (text) => JSON.parse(text),
    stringify: bytes ? (input) => JSON.stringify(input, bytesAsBase64) : (input) => JSON.stringify(input),
  };
}

/** Binary attribute values are bytes in the data source and base64 on the wire. */
function bytesAsBase64(this: Record<string, unknown>, key: string, value: unknown): unknown {
  const raw = this[key];
  return raw instanceof Uint8Array ? Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('base64') : value;
}

/**
 * `B` and `BS` appear in DynamoDB's responses only as attribute-value types (table names have at least 3
 * characters; attribute maps hold objects), so a string or string list under them is binary.
 */
function base64AsBytes(key: string, value: unknown): unknown {
  if (key === 'B' && typeof value === 'string') return Buffer.from(value, 'base64');
  if (key === 'BS' && Array.isArray(value) && value.every((element) => typeof element === 'string')) {
    return value.map((element: string) => Buffer.from(element, 'base64'));
  }
  return value;
}

function parseBody(text: string): unknown {
  // The reviver slows parsing down; most answers hold no binary value and skip it.
  return text.includes('"B') ? JSON.parse(text, base64AsBytes) : JSON.parse(text);
}

interface RawResponse {
  readonly statusCode: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** `prefix#Name:detail` (`__type` or `x-amzn-ErrorType`) → `Name`, as the SDK reads it. */
function exceptionNameOf(type: string): string {
  const withoutDetail = type.split(':')[0] ?? type;
  return withoutDetail.slice(withoutDetail.lastIndexOf('#') + 1);
}

function toServiceError({ statusCode, headers, body }: RawResponse): DynamoDbServiceError {
  let parsed: Record<string, unknown> = {};
  try {
    const value = parseBody(body);
    if (typeof value === 'object' && value !== null) parsed = value as Record<string, unknown>;
  } catch {
    // Not JSON (a proxy's error page, a cut body): the status code is all there is.
  }
  const type = headerValue(headers, 'x-amzn-errortype') ?? (parsed['__type'] ?? parsed['code']);
  const exceptionName = typeof type === 'string' && type !== '' ? exceptionNameOf(type) : 'UnknownError';
  const message = parsed['message'] ?? parsed['Message'];
  return new DynamoDbServiceError(
    exceptionName,
    typeof message === 'string' ? message : exceptionName,
    statusCode,
    headerValue(headers, 'x-amzn-requestid'),
    parsed as DynamoDbErrorDetails,
  );
}

/** The delay before retry number `retry` (1-based), or undefined when the failure is not worth retrying. */
function retryDelay(error: unknown, retry: number): number | undefined {
  let base: number;
  if (error instanceof DynamoDbServiceError) {
    if (THROTTLING_EXCEPTIONS.has(error.exceptionName) || error.statusCode === 429) base = THROTTLING_RETRY_BASE_MS;
    else if (TRANSIENT_STATUS_CODES.has(error.statusCode)) base = RETRY_BASE_MS;
    else return undefined;
  } else if (isNetworkError(error)) {
    base = RETRY_BASE_MS;
  } else {
    return undefined;
  }
  return Math.floor(Math.random() * Math.min(MAX_RETRY_DELAY_MS, base * 2 ** retry));
}

function createWireClient<Operations extends OperationShapes<Operations>>(
  targetPrefix: string,
  binary: BinaryForm,
  settings: () => Promise<WireClientSettings>,
): WireClient<Operations> {
  const agent = new Agent({ keepAlive: true, maxSockets: MAX_SOCKETS });
  let target: Promise<Target> | undefined;

  const post = (to: Target, operation: string, body: string, signal: AbortSignal | undefined): Promise<RawResponse> =>
    new Promise((resolve, reject) => {
      const request = httpRequest(
        {
          agent,
          hostname: to.hostname,
          port: to.port,
          path: to.path,
          method: 'POST',
          signal,
          timeout: to.requestTimeoutMs,
          headers: {
            'content-type': 'application/x-amz-json-1.0',
            'content-length': Buffer.byteLength(body),
            'x-amz-target': `${targetPrefix}.${operation}`,
            authorization: to.authorization,
          },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', reject);
          response.on('end', () =>
            resolve({
              statusCode: response.statusCode ?? 0,
              headers: response.headers,
              body: Buffer.concat(chunks).toString('utf8'),
            }),
          );
        },
      );
      request.on('timeout', () => request.destroy(Object.assign(new Error(`${operation} timed out`), { code: 'ETIMEDOUT' })));
      request.on('error', reject);
      request.end(body);
    });

  return {
    async send(operation, input, options) {
      target ??= settings().then((resolved) => targetOf(resolved, binary));
      const to = await target;
      const body = to.stringify(input);
      const signal = options?.signal;
      for (let attempt = 1; ; attempt += 1) {
        let failure: unknown;
        try {
          const response = await post(to, operation, body, signal);
          if (response.statusCode >= 200 && response.statusCode < 300) return to.parse(response.body) as never;
          failure = toServiceError(response);
        } catch (error) {
          failure = error;
        }
        signal?.throwIfAborted();
        const wait = attempt < to.maxAttempts ? retryDelay(failure, attempt) : undefined;
        if (wait === undefined) throw failure;
        await delay(wait, undefined, { signal });
      }
    },
    close() {
      agent.destroy();
    },
  };
}

/** The wire client of DynamoDB's data plane: binary values are bytes. */
export type DynamoDbWireClient = WireClient<DynamoDbOperations>;

const wireClients = new WeakMap<DynamoDBClient, DynamoDbWireClient>();

/**
 * The DynamoDB wire client for an SDK client's endpoint, credentials, region and `maxAttempts` (one per SDK client,
 * so callers sharing a client share its connections). Idle connections do not keep the process alive.
 *
 * @example
 * const dynamoDb = wireClientFor(createDynamoDbClient(endpoint));
 * const { Item } = await dynamoDb.send('GetItem', { TableName: 'Messages', Key: { id: { S: 'm1' } } });
 */
export function wireClientFor(client: DynamoDBClient): DynamoDbWireClient {
  let wireClient = wireClients.get(client);
  if (wireClient === undefined) {
    wireClient = createWireClient<DynamoDbOperations>(TARGET_PREFIX.dynamodb, 'bytes', async () => {
      const { config } = client;
      if (config.endpoint === undefined) throw new UnsupportedDynamoDbEndpointError('the client has no endpoint');
      const [endpoint, credentials, region, maxAttempts] = await Promise.all([
        config.endpoint(),
        config.credentials(),
        config.region(),
        config.maxAttempts(),
      ]);
      const port = endpoint.port === undefined ? '' : `:${endpoint.port}`;
      return {
        endpoint: `${endpoint.protocol}//${endpoint.hostname}${port}${endpoint.path}`,
        region,
        accessKeyId: credentials.accessKeyId,
        maxAttempts,
      };
    });
    wireClients.set(client, wireClient);
  }
  return wireClient;
}

/**
 * A DynamoDB Streams wire client. Records come back as the wire has them ({@link WireStreamRecord}), which is the
 * form Lambda delivers them in but for the fields Lambda adds.
 *
 * @example
 * const streams = streamsWireClient({ endpoint, region: 'us-east-1', accessKeyId: 'local' });
 * const { Records } = await streams.send('GetRecords', { ShardIterator: iterator, Limit: 100 });
 */
export function streamsWireClient(settings: WireClientSettings): WireClient<DynamoDbStreamsOperations> {
  const resolved = Promise.resolve(settings);
  return createWireClient<DynamoDbStreamsOperations>(TARGET_PREFIX.streams, 'base64', () => resolved);
}

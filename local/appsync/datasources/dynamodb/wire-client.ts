/**
 * A small client for DynamoDB's JSON protocol over one keep-alive `node:http` agent, for DynamoDB Local. It replaces
 * the AWS SDK's `client.send` in the data source's write path: the SDK's middleware stack, SigV4 signing and
 * (de)serialisation cost about twice the CPU of the HTTP request itself. Request and response bodies are DynamoDB's
 * wire format, which the data source already works in (attribute values as `{ S: … }`, binary as bytes here and
 * base64 on the wire).
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
import { DynamoDbServiceError, UnsupportedDynamoDbEndpointError, type DynamoDbErrorDetails } from './errors.js';
import { isNetworkError } from './service-errors.js';

/** The operations the data source runs, with DynamoDB's input and output shapes (the SDK's model types). */
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

export interface DynamoDbWireClient {
  /**
   * Runs one operation. Rejects with {@link DynamoDbServiceError} when DynamoDB answers with an error, with Node's
   * network error (`code` ECONNREFUSED, ECONNRESET…) when it cannot be reached once the retries are spent.
   */
  send<Name extends keyof DynamoDbOperations>(
    operation: Name,
    input: DynamoDbOperations[Name]['input'],
  ): Promise<DynamoDbOperations[Name]['output']>;
}

/** Where and how to post, resolved once from the SDK client's configuration. */
interface Target {
  readonly hostname: string;
  readonly port: number;
  readonly path: string;
  readonly authorization: string;
  readonly maxAttempts: number;
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

async function resolveTarget(client: DynamoDBClient): Promise<Target> {
  const { config } = client;
  if (config.endpoint === undefined) throw new UnsupportedDynamoDbEndpointError('the client has no endpoint');
  const [endpoint, credentials, region, maxAttempts] = await Promise.all([
    config.endpoint(),
    config.credentials(),
    config.region(),
    config.maxAttempts(),
  ]);
  if (endpoint.protocol !== 'http:') {
    throw new UnsupportedDynamoDbEndpointError(`expected an http: endpoint, got ${endpoint.protocol}`);
  }
  const date = new Date().toISOString().slice(0, 10).replaceAll('-', '');
  return {
    hostname: endpoint.hostname,
    port: endpoint.port ?? 80,
    path: endpoint.path,
    authorization:
      `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${date}/${region}/dynamodb/aws4_request, ` +
      `SignedHeaders=content-type;host;x-amz-target, Signature=${'0'.repeat(64)}`,
    maxAttempts: Math.max(1, maxAttempts),
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

function createWireClient(client: DynamoDBClient): DynamoDbWireClient {
  const agent = new Agent({ keepAlive: true, maxSockets: MAX_SOCKETS });
  let target: Promise<Target> | undefined;

  const post = (to: Target, operation: string, body: string): Promise<RawResponse> =>
    new Promise((resolve, reject) => {
      const request = httpRequest(
        {
          agent,
          hostname: to.hostname,
          port: to.port,
          path: to.path,
          method: 'POST',
          headers: {
            'content-type': 'application/x-amz-json-1.0',
            'content-length': Buffer.byteLength(body),
            'x-amz-target': `DynamoDB_20120810.${operation}`,
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
      request.on('error', reject);
      request.end(body);
    });

  return {
    async send(operation, input) {
      target ??= resolveTarget(client);
      const to = await target;
      const body = JSON.stringify(input, bytesAsBase64);
      for (let attempt = 1; ; attempt += 1) {
        let failure: unknown;
        try {
          const response = await post(to, operation, body);
          if (response.statusCode >= 200 && response.statusCode < 300) return parseBody(response.body) as never;
          failure = toServiceError(response);
        } catch (error) {
          failure = error;
        }
        const wait = attempt < to.maxAttempts ? retryDelay(failure, attempt) : undefined;
        if (wait === undefined) throw failure;
        await delay(wait);
      }
    },
  };
}

const wireClients = new WeakMap<DynamoDBClient, DynamoDbWireClient>();

/**
 * The wire client for an SDK client's endpoint, credentials, region and `maxAttempts` (one per SDK client, so
 * data sources sharing a client share its connections). Idle connections do not keep the process alive.
 *
 * @example
 * const dynamoDb = wireClientFor(createDynamoDbClient(endpoint));
 * const { Item } = await dynamoDb.send('GetItem', { TableName: 'Messages', Key: { id: { S: 'm1' } } });
 */
export function wireClientFor(client: DynamoDBClient): DynamoDbWireClient {
  let wireClient = wireClients.get(client);
  if (wireClient === undefined) {
    wireClient = createWireClient(client);
    wireClients.set(client, wireClient);
  }
  return wireClient;
}

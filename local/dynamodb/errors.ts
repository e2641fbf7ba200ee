/** Errors thrown while launching DynamoDB Local, creating its tables and calling it over the wire client. */
import type { AttributeValue, CancellationReason } from '@aws-sdk/client-dynamodb';

/** No `java` executable where we looked (JAVA_HOME, an explicit path, or PATH). */
export class JavaNotFoundError extends Error {
  override readonly name = 'JavaNotFoundError';

  constructor(readonly lookedFor: string) {
    super(
      `Java was not found (looked for ${lookedFor}). DynamoDB Local needs Java 17+, best a JDK (its javac compiles ` +
        'the loopback shim once): install one (e.g. `apt-get install openjdk-17-jdk-headless`) or set JAVA_HOME to a ' +
        'JDK/JRE directory.',
    );
  }
}

/** The DynamoDB Local jar is not in the cache (the postinstall step did not run or failed). */
export class DynamoDbLocalNotInstalledError extends Error {
  override readonly name = 'DynamoDbLocalNotInstalledError';

  constructor(readonly jarPath: string) {
    super(
      `DynamoDB Local is not installed (missing ${jarPath}). Run \`npm install\` or ` +
        '`node local/dynamodb/install.mjs` to fetch it.',
    );
  }
}

/** The requested fixed port is already in use on this machine. */
export class PortInUseError extends Error {
  override readonly name = 'PortInUseError';

  constructor(readonly port: number) {
    super(`Port ${port} is already in use; DynamoDB Local cannot listen on it. Choose another port or 0 for a free one.`);
  }
}

/** DynamoDB Local exited early or did not answer ListTables in time; `output` is the tail of its stdout/stderr. */
export class DynamoDbLocalStartError extends Error {
  override readonly name = 'DynamoDbLocalStartError';

  constructor(
    reason: string,
    readonly output: string,
  ) {
    super(`DynamoDB Local did not start: ${reason}${output ? `\n--- its output (tail) ---\n${output}` : ''}`);
  }
}

/** A table definition DynamoDB would reject or that is ambiguous, found before any request is sent. */
export class TableDefinitionError extends Error {
  override readonly name = 'TableDefinitionError';

  constructor(
    readonly tableName: string,
    problem: string,
  ) {
    super(`Table "${tableName}": ${problem}`);
  }
}

/** What DynamoDB's error body carries besides the exception's name and message. */
export interface DynamoDbErrorDetails {
  /** `TransactionCanceledException`: one reason per transaction item, in request order. */
  readonly CancellationReasons?: readonly CancellationReason[];
  /** `ConditionalCheckFailedException` with `ReturnValuesOnConditionCheckFailure: ALL_OLD`: the item as it is. */
  readonly Item?: Record<string, AttributeValue>;
}

/**
 * DynamoDB answered with an error: `exceptionName` is the part of the body's `__type` after `#`
 * (`com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException` → `ConditionalCheckFailedException`), and is
 * also the error's `name`, as the AWS SDK names its errors.
 */
export class DynamoDbServiceError extends Error {
  override readonly name: string;

  constructor(
    readonly exceptionName: string,
    message: string,
    readonly statusCode: number,
    /** DynamoDB's `x-amzn-RequestId`, when it sent one. */
    readonly requestId: string | undefined,
    readonly details: DynamoDbErrorDetails,
  ) {
    super(message);
    this.name = exceptionName;
  }
}

/**
 * The endpoint given to the wire client cannot be used: it has no `endpoint`
 * (the wire client talks to DynamoDB Local, not to AWS) or the endpoint is not plain `http:`.
 */
export class UnsupportedDynamoDbEndpointError extends Error {
  override readonly name: string = 'UnsupportedDynamoDbEndpointError';

  constructor(readonly reason: string) {
    super(`The DynamoDB wire client cannot use this endpoint: ${reason}`);
  }
}

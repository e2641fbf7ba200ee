/**
 * The app's Lambda functions as NodejsFunctions: bundled on this machine by esbuild (no Docker), arm64, active
 * tracing, JSON logs into a log group with a retention, Powertools settings, an own role that only gets grants,
 * and a `live` alias that carries provisioned concurrency and that every trigger invokes.
 */
import path from 'node:path';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { LambdaFunctionDefinition } from '../../local/lambda/description.js';
import { DuplicateNameError, UnknownNameError } from '../errors.js';

/** Per-function capacity and cost knobs. */
export interface FunctionCapacity {
  /** @default 256 */
  readonly memorySizeMb?: number;
  /**
   * Reserved concurrency: a hard cap on simultaneous executions (and a guarantee). Leaves the account's unreserved
   * pool smaller; accounts whose concurrency quota is still 10 cannot reserve any.
   * @default no cap (the account's unreserved pool)
   */
  readonly reservedConcurrency?: number;
  /** Provisioned concurrency on the `live` alias: pre-initialised environments, billed while configured. @default 0 */
  readonly provisionedConcurrency?: number;
}

/** Powertools for AWS Lambda settings, as its environment variables. */
export interface PowertoolsSettings {
  /** POWERTOOLS_SERVICE_NAME. */
  readonly serviceName: string;
  /** POWERTOOLS_METRICS_NAMESPACE. */
  readonly metricsNamespace: string;
  /** POWERTOOLS_LOG_LEVEL. @default 'INFO' */
  readonly logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
}

export interface ChatFunctionsProps {
  /** The functions of the description (`chatFunctions`), names unique. */
  readonly definitions: readonly LambdaFunctionDefinition[];
  /** The directory the definitions' entries are relative to (holds package-lock.json). */
  readonly rootDir: string;
  readonly powertools: PowertoolsSettings;
  /** Capacity of every function unless `capacityByFunction` says otherwise. @default {} (see {@link FunctionCapacity}) */
  readonly capacity?: FunctionCapacity;
  /** Overrides by function name, merged over `capacity`. @default {} */
  readonly capacityByFunction?: Readonly<Record<string, FunctionCapacity>>;
  /** How long function logs are kept. @default one month */
  readonly logRetention?: logs.RetentionDays;
  /** @default Node.js 24 (the latest Lambda runtime aws-cdk-lib knows) */
  readonly runtime?: lambda.Runtime;
}

/** One deployed function. */
export interface ChatFunction {
  readonly definition: LambdaFunctionDefinition;
  readonly function: NodejsFunction;
  /** What routes, event sources and data sources invoke; provisioned concurrency lives here. */
  readonly alias: lambda.Alias;
  /** The function's own role: its log group, X-Ray, and the grants its references imply. */
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
  readonly timeout: Duration;
}

/** ESM bundles still meet CommonJS dependencies (aws-xray-sdk-core under the Powertools tracer) that call require. */
const REQUIRE_SHIM = "import { createRequire as __wavechatCreateRequire } from 'node:module'; const require = __wavechatCreateRequire(import.meta.url);";

/**
 * Builds the description's functions. Environment values that reference other resources (`{ tableName }`,
 * `{ output }`) are not set here: {@link bindFunctionReferences} sets them together with the grants they imply.
 *
 * @example
 * ```ts
 * const functions = new ChatFunctions(stack, 'Functions', {
 *   definitions: chatFunctions,
 *   rootDir,
 *   powertools: { serviceName: 'wavechat', metricsNamespace: 'wavechat' },
 *   capacityByFunction: { websocketConnect: { provisionedConcurrency: 2 } },
 * });
 * functions.get('websocketConnect').alias;
 * ```
 */
export class ChatFunctions extends Construct {
  readonly functions: ReadonlyMap<string, ChatFunction>;

  constructor(scope: Construct, id: string, props: ChatFunctionsProps) {
    super(scope, id);
    const functions = new Map<string, ChatFunction>();
    for (const definition of props.definitions) {
      if (functions.has(definition.name)) throw new DuplicateNameError('function', definition.name);
      functions.set(definition.name, this.createFunction(definition, props));
    }
    this.functions = functions;
  }

  /** @throws {@link UnknownNameError} when the description defines no function of that name */
  get(name: string, usedBy = 'a reference'): ChatFunction {
    const found = this.functions.get(name);
    if (!found) throw new UnknownNameError('function', name, usedBy);
    return found;
  }

  private createFunction(definition: LambdaFunctionDefinition, props: ChatFunctionsProps): ChatFunction {
    const scope = new Construct(this, definition.name);
    const capacity = { ...props.capacity, ...props.capacityByFunction?.[definition.name] };
    const timeout = Duration.seconds(definition.timeoutSeconds ?? 10);
    const runtime = props.runtime ?? lambda.Runtime.NODEJS_24_X;

    const logGroup = new logs.LogGroup(scope, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // An own role instead of the default one, which carries the AWS-managed AWSLambdaBasicExecutionRole (log writes
    // to every log group): this one may write to its own log group and gets the rest through grants.
    const role = new iam.Role(scope, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    logGroup.grantWrite(role);

    const literalEnvironment = Object.fromEntries(
      Object.entries(definition.environment ?? {}).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
    );
    const fn = new NodejsFunction(scope, 'Function', {
      entry: path.resolve(props.rootDir, definition.entry),
      handler: definition.handler ?? 'handler',
      projectRoot: props.rootDir,
      depsLockFilePath: path.join(props.rootDir, 'package-lock.json'),
      runtime,
      architecture: lambda.Architecture.ARM_64,
      memorySize: capacity.memorySizeMb ?? 256,
      timeout,
      role,
      logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      tracing: lambda.Tracing.ACTIVE,
      reservedConcurrentExecutions: capacity.reservedConcurrency,
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: props.powertools.serviceName,
        POWERTOOLS_METRICS_NAMESPACE: props.powertools.metricsNamespace,
        POWERTOOLS_LOG_LEVEL: props.powertools.logLevel ?? 'INFO',
        ...literalEnvironment,
      },
      bundling: {
        format: OutputFormat.ESM,
        mainFields: ['module', 'main'],
        banner: REQUIRE_SHIM,
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        forceDockerBundling: false,
        // CDK runs the project's esbuild through `npx --no-install`, whose update check would reach the registry.
        environment: { NPM_CONFIG_UPDATE_NOTIFIER: 'false' },
      },
    });
    const alias = fn.addAlias('live', { provisionedConcurrentExecutions: capacity.provisionedConcurrency });

    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Resource "*" only for actions without resource-level permissions, which AWS grants on "*" alone: ' +
        'xray:PutTraceSegments and xray:PutTelemetryRecords (active tracing) and, for stream consumers, ' +
        'dynamodb:ListStreams (lists stream ARNs, reads no data). test/infra checks no other action gets "*".',
    });
    return { definition, function: fn, alias, role, logGroup, timeout };
  }
}

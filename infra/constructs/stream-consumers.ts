/**
 * DynamoDB stream → Lambda event-source mappings, with the description's batching and error handling and an SQS
 * queue as the on-failure destination for batches that exhaust their retries.
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { StreamConsumerDefinition } from '../../local/dynamodb-streams/description.js';
import { UnsupportedDefinitionError } from '../errors.js';

export interface ChatStreamConsumersProps {
  /** The description's consumers (`chatStreamConsumers`). */
  readonly consumers: readonly StreamConsumerDefinition[];
  /** The deployed table a description name stands for. */
  readonly tableNamed: (name: string, usedBy: string) => ITable;
  /** The function (its `live` alias) a description name stands for. */
  readonly functionNamed: (name: string, usedBy: string) => lambda.IFunction;
}

/** One deployed mapping. */
export interface ChatStreamConsumer {
  readonly definition: StreamConsumerDefinition;
  readonly function: lambda.IFunction;
  /** Receives the metadata (shard, sequence numbers) of batches that failed for good. */
  readonly onFailureQueue: sqs.Queue;
}

/**
 * @example
 * ```ts
 * const consumers = new ChatStreamConsumers(stack, 'StreamConsumers', {
 *   consumers: chatStreamConsumers,
 *   tableNamed: (name, usedBy) => data.table(name, usedBy),
 *   functionNamed: (name, usedBy) => functions.get(name, usedBy).alias,
 * });
 * ```
 */
export class ChatStreamConsumers extends Construct {
  readonly consumers: readonly ChatStreamConsumer[];

  constructor(scope: Construct, id: string, props: ChatStreamConsumersProps) {
    super(scope, id);
    this.consumers = props.consumers.map((definition) => {
      const usedBy = `the stream consumer ${definition.function} of ${definition.table}`;
      const table = props.tableNamed(definition.table, usedBy);
      if (!table.tableStreamArn) {
        throw new UnsupportedDefinitionError(usedBy, `table ${definition.table} has no stream`);
      }
      const fn = props.functionNamed(definition.function, usedBy);

      const onFailureQueue = new sqs.Queue(this, `${definition.function}-${definition.table}-OnFailure`, {
        encryption: sqs.QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        retentionPeriod: Duration.days(14),
        removalPolicy: RemovalPolicy.DESTROY,
      });
      Validations.of(onFailureQueue).acknowledge({
        id: 'AwsSolutions-SQS3',
        reason:
          "This queue is itself a dead-letter destination (the event-source mapping's on-failure destination); it " +
          'holds batch metadata for replay and is alarmed on, so it needs no DLQ of its own.',
      });

      fn.addEventSource(
        new DynamoEventSource(table, {
          startingPosition:
            (definition.startingPosition ?? 'TRIM_HORIZON') === 'TRIM_HORIZON'
              ? lambda.StartingPosition.TRIM_HORIZON
              : lambda.StartingPosition.LATEST,
          batchSize: definition.batchSize ?? 100,
          maxBatchingWindow: Duration.seconds(definition.maximumBatchingWindowSeconds ?? 0),
          bisectBatchOnError: definition.bisectBatchOnFunctionError ?? true,
          // -1: retry until the record leaves the stream (24 h), bisecting down to the failing record.
          retryAttempts: definition.maximumRetryAttempts ?? -1,
          reportBatchItemFailures: definition.reportBatchItemFailures ?? true,
          onFailure: new SqsDlq(onFailureQueue),
          // The same FilterCriteria the local mapping applies (local/dynamodb-streams/filters.ts).
          filters: definition.filters?.map((pattern) => lambda.FilterCriteria.filter(pattern)),
        }),
      );
      return { definition, function: fn, onFailureQueue };
    });
  }
}

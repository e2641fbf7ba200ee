/**
 * The app's DynamoDB tables, built from their descriptions (keys, indexes, stream, TTL) plus what only AWS has:
 * capacity, encryption, backups and protection against deletion.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import type { IndexDefinition, KeyAttribute, TableDefinition } from '../../local/appsync/description.js';
import { DuplicateNameError, UnknownNameError, UnsupportedDefinitionError } from '../errors.js';

/** Bounds of auto-scaled provisioned capacity, in capacity units per second. */
export interface CapacityRange {
  readonly min: number;
  readonly max: number;
}

/**
 * How reads and writes are paid for.
 * - `ON_DEMAND`: per request; optional per-table ceilings (`maxReadRequestUnits`, `maxWriteRequestUnits`, in
 *   request units per second) turn a runaway client into throttling instead of a bill.
 * - `PROVISIONED`: capacity units kept between `min` and `max` by target-tracking auto-scaling, for the table and
 *   each global secondary index alike (indexes get the table's ranges).
 */
export type TableBilling =
  | {
      readonly mode: 'ON_DEMAND';
      readonly maxReadRequestUnits?: number;
      readonly maxWriteRequestUnits?: number;
    }
  | {
      readonly mode: 'PROVISIONED';
      readonly read: CapacityRange;
      readonly write: CapacityRange;
      /** Consumed/provisioned ratio auto-scaling aims at. @default 70 */
      readonly targetUtilizationPercent?: number;
    };

export interface ChatTablesProps {
  /** The tables the description uses (`chatTable`), each once. */
  readonly tables: readonly TableDefinition[];
  /** @default { mode: 'ON_DEMAND' } */
  readonly billing?: TableBilling;
  /**
   * Encryption at rest. `AWS_MANAGED` uses the account's `aws/dynamodb` KMS key (free, usage visible in
   * CloudTrail); `CUSTOMER_MANAGED` creates a key with rotation ($1 a month plus requests) that grants extend to.
   * @default 'AWS_MANAGED'
   */
  readonly encryption?: 'AWS_MANAGED' | 'CUSTOMER_MANAGED';
  /** Refuse DeleteTable (also from CloudFormation) until switched off. @default true */
  readonly deletionProtection?: boolean;
  /** Days of point-in-time recovery (1-35). @default 35 */
  readonly pointInTimeRecoveryDays?: number;
}

/**
 * The tables, with streams, TTL, point-in-time recovery, deletion protection and KMS encryption always on; tables
 * are retained when the stack is deleted.
 *
 * @example
 * ```ts
 * const data = new ChatTables(stack, 'Data', { tables: [chatTable], billing: { mode: 'ON_DEMAND' } });
 * data.table('Chat').grantReadData(fn);
 * ```
 */
export class ChatTables extends Construct {
  /** By description name. */
  readonly tables: ReadonlyMap<string, dynamodb.Table>;

  constructor(scope: Construct, id: string, props: ChatTablesProps) {
    super(scope, id);
    const billing = props.billing ?? { mode: 'ON_DEMAND' };
    const tables = new Map<string, dynamodb.Table>();
    for (const definition of props.tables) {
      if (tables.has(definition.name)) throw new DuplicateNameError('table', definition.name);
      tables.set(definition.name, this.createTable(definition, billing, props));
    }
    this.tables = tables;
  }

  /** @throws {@link UnknownNameError} when no table has that description name */
  table(name: string, usedBy = 'a reference'): dynamodb.Table {
    const table = this.tables.get(name);
    if (!table) throw new UnknownNameError('table', name, usedBy);
    return table;
  }

  private createTable(definition: TableDefinition, billing: TableBilling, props: ChatTablesProps): dynamodb.Table {
    const provisioned = billing.mode === 'PROVISIONED' ? billing : undefined;
    const table = new dynamodb.Table(this, definition.name, {
      partitionKey: attribute(definition.partitionKey),
      sortKey: definition.sortKey && attribute(definition.sortKey),
      billingMode: provisioned ? dynamodb.BillingMode.PROVISIONED : dynamodb.BillingMode.PAY_PER_REQUEST,
      readCapacity: provisioned?.read.min,
      writeCapacity: provisioned?.write.min,
      maxReadRequestUnits: billing.mode === 'ON_DEMAND' ? billing.maxReadRequestUnits : undefined,
      maxWriteRequestUnits: billing.mode === 'ON_DEMAND' ? billing.maxWriteRequestUnits : undefined,
      stream: definition.stream && dynamodb.StreamViewType[definition.stream],
      timeToLiveAttribute: definition.timeToLiveAttribute,
      pointInTimeRecoverySpecification: {
        pointInTimeRecoveryEnabled: true,
        recoveryPeriodInDays: props.pointInTimeRecoveryDays ?? 35,
      },
      deletionProtection: props.deletionProtection ?? true,
      encryption:
        (props.encryption ?? 'AWS_MANAGED') === 'AWS_MANAGED'
          ? dynamodb.TableEncryption.AWS_MANAGED
          : dynamodb.TableEncryption.CUSTOMER_MANAGED,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    for (const index of definition.globalSecondaryIndexes ?? []) {
      table.addGlobalSecondaryIndex({
        indexName: index.indexName,
        partitionKey: attribute(index.partitionKey),
        sortKey: index.sortKey && attribute(index.sortKey),
        projectionType: projection(index),
        readCapacity: provisioned?.read.min,
        writeCapacity: provisioned?.write.min,
      });
    }
    for (const index of definition.localSecondaryIndexes ?? []) {
      if (index.partitionKey.name !== definition.partitionKey.name || !index.sortKey) {
        throw new UnsupportedDefinitionError(
          `local secondary index ${index.indexName} of table ${definition.name}`,
          "a local index must share the table's partition key and have a sort key",
        );
      }
      table.addLocalSecondaryIndex({
        indexName: index.indexName,
        sortKey: attribute(index.sortKey),
        projectionType: projection(index),
      });
    }

    if (provisioned) {
      const utilization = { targetUtilizationPercent: provisioned.targetUtilizationPercent ?? 70 };
      const read = { minCapacity: provisioned.read.min, maxCapacity: provisioned.read.max };
      const write = { minCapacity: provisioned.write.min, maxCapacity: provisioned.write.max };
      table.autoScaleReadCapacity(read).scaleOnUtilization(utilization);
      table.autoScaleWriteCapacity(write).scaleOnUtilization(utilization);
      for (const index of definition.globalSecondaryIndexes ?? []) {
        table.autoScaleGlobalSecondaryIndexReadCapacity(index.indexName, read).scaleOnUtilization(utilization);
        table.autoScaleGlobalSecondaryIndexWriteCapacity(index.indexName, write).scaleOnUtilization(utilization);
      }
    }
    return table;
  }
}

function attribute(key: KeyAttribute): dynamodb.Attribute {
  const type = { S: dynamodb.AttributeType.STRING, N: dynamodb.AttributeType.NUMBER, B: dynamodb.AttributeType.BINARY };
  return { name: key.name, type: type[key.type] };
}

function projection(index: IndexDefinition): dynamodb.ProjectionType {
  return index.projection === 'KEYS_ONLY' ? dynamodb.ProjectionType.KEYS_ONLY : dynamodb.ProjectionType.ALL;
}

/**
 * Stream records as GetRecords sends them (over the wire client) → records of a Lambda DynamoDB stream event. The
 * wire's images are already Lambda's (DynamoDB JSON, binaries in base64), so they pass through untouched.
 */
import type { DynamoDBRecord } from 'aws-lambda';
import type { WireStreamRecord } from '../dynamodb/wire-client.js';

/** Where Lambda says the records come from. */
export interface RecordOrigin {
  /** `awsRegion` of every record. */
  readonly region: string;
  /** `eventSourceARN` of every record. */
  readonly eventSourceArn: string;
}

/** DynamoDB Local's UUIDs; AWS's event ids are the same 32 hex digits without dashes. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The stream ARN as Lambda reports it: DynamoDB Local names its region `ddblocal`, AWS the table's region.
 * The ARN used to call the Streams API stays DynamoDB Local's own.
 */
export function lambdaEventSourceArn(streamArn: string, region: string): string {
  const parts = streamArn.split(':'); // arn:aws:dynamodb:{region}:{account}:table/{name}/stream/{label}
  parts[3] = region;
  return parts.join(':');
}

/**
 * A record in Lambda's JSON shape: `ApproximateCreationDateTime` in whole epoch seconds, the configured region, the
 * identity of TTL deletions in Lambda's camel case, and the event source ARN that Lambda adds.
 */
export function toLambdaRecord(record: WireStreamRecord, origin: RecordOrigin): DynamoDBRecord {
  const stream = record.dynamodb ?? {};
  const eventId = record.eventID !== undefined && UUID.test(record.eventID) ? record.eventID.replaceAll('-', '') : record.eventID;
  return {
    eventID: eventId,
    eventName: record.eventName,
    eventVersion: record.eventVersion,
    eventSource: record.eventSource,
    awsRegion: origin.region,
    dynamodb: {
      ...(stream.ApproximateCreationDateTime !== undefined && {
        ApproximateCreationDateTime: Math.floor(stream.ApproximateCreationDateTime),
      }),
      ...(stream.Keys !== undefined && { Keys: stream.Keys }),
      ...(stream.NewImage !== undefined && { NewImage: stream.NewImage }),
      ...(stream.OldImage !== undefined && { OldImage: stream.OldImage }),
      SequenceNumber: stream.SequenceNumber,
      SizeBytes: stream.SizeBytes,
      StreamViewType: stream.StreamViewType,
    },
    ...(record.userIdentity !== undefined && {
      userIdentity: { type: record.userIdentity.Type, principalId: record.userIdentity.PrincipalId },
    }),
    eventSourceARN: origin.eventSourceArn,
  };
}

/**
 * Stream records as GetRecords returns them (through the SDK) → records of a Lambda DynamoDB stream event.
 */
import type { _Record, AttributeValue, Identity } from '@aws-sdk/client-dynamodb-streams';
import type { AttributeValue as LambdaAttributeValue, DynamoDBRecord } from 'aws-lambda';

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
 * A record in Lambda's JSON shape: `ApproximateCreationDateTime` in epoch seconds (the SDK gives a Date), binaries
 * base64 (the SDK gives bytes), the configured region and the event source ARN that Lambda adds.
 */
export function toLambdaRecord(record: _Record, origin: RecordOrigin): DynamoDBRecord {
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
        ApproximateCreationDateTime: Math.floor(stream.ApproximateCreationDateTime.getTime() / 1000),
      }),
      ...(stream.Keys !== undefined && { Keys: toLambdaItem(stream.Keys) }),
      ...(stream.NewImage !== undefined && { NewImage: toLambdaItem(stream.NewImage) }),
      ...(stream.OldImage !== undefined && { OldImage: toLambdaItem(stream.OldImage) }),
      SequenceNumber: stream.SequenceNumber,
      SizeBytes: stream.SizeBytes,
      StreamViewType: stream.StreamViewType,
    },
    ...(record.userIdentity !== undefined && { userIdentity: toLambdaIdentity(record.userIdentity) }),
    eventSourceARN: origin.eventSourceArn,
  };
}

/** Lambda spells the identity of TTL deletions in camel case: `{ type: 'Service', principalId: … }`. */
function toLambdaIdentity(identity: Identity): { type?: string; principalId?: string } {
  return { type: identity.Type, principalId: identity.PrincipalId };
}

function toLambdaItem(item: Record<string, AttributeValue>): Record<string, LambdaAttributeValue> {
  return Object.fromEntries(Object.entries(item).map(([name, value]) => [name, toLambdaValue(value)]));
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

function toLambdaValue(value: AttributeValue): LambdaAttributeValue {
  if (value.S !== undefined) return { S: value.S };
  if (value.N !== undefined) return { N: value.N };
  if (value.B !== undefined) return { B: base64(value.B) };
  if (value.BOOL !== undefined) return { BOOL: value.BOOL };
  if (value.NULL !== undefined) return { NULL: value.NULL };
  if (value.SS !== undefined) return { SS: value.SS };
  if (value.NS !== undefined) return { NS: value.NS };
  if (value.BS !== undefined) return { BS: value.BS.map(base64) };
  if (value.M !== undefined) return { M: toLambdaItem(value.M) };
  if (value.L !== undefined) return { L: value.L.map(toLambdaValue) };
  // A member this SDK does not know: the SDK keeps it as [name, value], which is already the wire JSON.
  const [name, raw] = value.$unknown;
  return { [name]: raw } as LambdaAttributeValue;
}

/**
 * PutEvents as EventBridge judges it: the request-level limits (1–10 entries, 256 KB in all, measured as AWS
 * documents in "Calculating PutEvents event entry size") and each entry's own checks, which fail that entry alone
 * (`ErrorCode`/`ErrorMessage` in its place of `Entries`, counted in `FailedEntryCount`). Pure: the server applies
 * the verdicts.
 */

/** AWS's cap on a PutEvents request's entries, in bytes. */
export const MAX_REQUEST_ENTRY_BYTES = 256 * 1024;
/** AWS's cap on entries per PutEvents request. */
export const MAX_ENTRIES = 10;
/** A `Time` counts as 14 bytes, whatever its value. */
const TIME_BYTES = 14;

/** An entry as the awsJson1_1 body carries it (fields unchecked). */
export interface PutEventsRequestEntry {
  readonly Time?: unknown;
  readonly Source?: unknown;
  readonly Resources?: unknown;
  readonly DetailType?: unknown;
  readonly Detail?: unknown;
  readonly EventBusName?: unknown;
  readonly TraceHeader?: unknown;
}

/** A request-level refusal: HTTP 400 with `__type` and `message`. */
export interface RequestError {
  readonly type: 'ValidationException' | 'SerializationException';
  readonly message: string;
}

/** An entry accepted for `busName`, its fields checked. */
export interface AcceptedEntry {
  readonly busName: string;
  readonly source: string;
  readonly detailType: string;
  readonly detail: Record<string, unknown>;
  readonly resources: readonly string[];
  /** Epoch seconds when the entry sets `Time`. */
  readonly time?: number;
}

export type EntryVerdict =
  | { readonly accepted: AcceptedEntry }
  | { readonly errorCode: string; readonly errorMessage: string };

/** The entries of a request body, or why the whole request is refused. */
export function entriesOf(body: unknown): { readonly entries: readonly PutEventsRequestEntry[] } | { readonly error: RequestError } {
  const entries = (body as { Entries?: unknown } | null)?.Entries;
  if (!Array.isArray(entries) || entries.some((entry) => typeof entry !== 'object' || entry === null)) {
    return { error: { type: 'SerializationException', message: 'Entries must be a list of PutEventsRequestEntry objects' } };
  }
  if (entries.length < 1 || entries.length > MAX_ENTRIES) {
    const constraint = entries.length < 1 ? 'greater than or equal to 1' : `less than or equal to ${MAX_ENTRIES}`;
    return {
      error: {
        type: 'ValidationException',
        message: `1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length ${constraint}`,
      },
    };
  }
  const size = (entries as PutEventsRequestEntry[]).reduce((total, entry) => total + entrySize(entry), 0);
  if (size > MAX_REQUEST_ENTRY_BYTES) {
    return { error: { type: 'ValidationException', message: 'Total size of the entries in the request is over the limit.' } };
  }
  return { entries: entries as PutEventsRequestEntry[] };
}

/** An entry's size as AWS counts it: UTF-8 bytes of Source, DetailType, Detail and each resource, plus 14 for Time. */
export function entrySize(entry: PutEventsRequestEntry): number {
  const bytes = (value: unknown) => (typeof value === 'string' ? Buffer.byteLength(value, 'utf8') : 0);
  const resources = Array.isArray(entry.Resources) ? entry.Resources.reduce((total: number, resource) => total + bytes(resource), 0) : 0;
  return (entry.Time === undefined ? 0 : TIME_BYTES) + bytes(entry.Source) + bytes(entry.DetailType) + bytes(entry.Detail) + resources;
}

/** One entry's verdict; `buses` are the names that exist. */
export function judgeEntry(entry: PutEventsRequestEntry, buses: ReadonlySet<string>): EntryVerdict {
  for (const field of ['Source', 'DetailType', 'Detail'] as const) {
    if (typeof entry[field] !== 'string' || entry[field] === '') {
      return { errorCode: 'InvalidArgument', errorMessage: `Parameter ${field} is not valid. Reason: ${field} is a required argument.` };
    }
  }
  const source = entry.Source as string;
  if (source.startsWith('aws.')) return { errorCode: 'NotAuthorizedForSourceException', errorMessage: 'Not authorized for the source.' };
  const detail = parsedObject(entry.Detail as string);
  if (detail === undefined) return { errorCode: 'MalformedDetail', errorMessage: 'Detail is malformed.' };
  const busName = busNameOf(entry.EventBusName);
  if (!buses.has(busName)) return { errorCode: 'ResourceNotFoundException', errorMessage: `Event bus ${busName} does not exist.` };
  const resources = Array.isArray(entry.Resources) ? entry.Resources.filter((r): r is string => typeof r === 'string') : [];
  return {
    accepted: {
      busName,
      source,
      detailType: entry.DetailType as string,
      detail,
      resources,
      ...(typeof entry.Time === 'number' ? { time: entry.Time } : {}),
    },
  };
}

/** A bus is named by its name or its ARN (`arn:aws:events:region:account:event-bus/name`); absent is `default`. */
function busNameOf(value: unknown): string {
  if (typeof value !== 'string' || value === '') return 'default';
  const arnBus = /^arn:[^:]+:events:[^:]*:[^:]*:event-bus\/(.+)$/.exec(value);
  return arnBus?.[1] ?? value;
}

function parsedObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

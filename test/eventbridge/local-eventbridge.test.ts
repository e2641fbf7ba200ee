/**
 * The local EventBridge endpoint driven by the unmodified @aws-sdk/client-eventbridge: accepted entries, entries
 * refused one by one (unknown bus, bad fields), request-level limits, and what tests read back.
 */
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventWaitTimeoutError, startLocalEventBridge, UnknownEventBusError, type LocalEventBridge } from '../../local/eventbridge/index.js';

const BUS = 'test-events';

describe('local EventBridge', () => {
  let eventBridge: LocalEventBridge;
  let client: EventBridgeClient;

  beforeAll(async () => {
    eventBridge = await startLocalEventBridge({ buses: [BUS], capacityPerBus: 5 });
    client = new EventBridgeClient({
      endpoint: eventBridge.endpoint,
      region: 'eu-west-1',
      credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local' },
      maxAttempts: 1,
    });
  });

  afterAll(async () => {
    client?.destroy();
    await eventBridge?.close();
  });

  const entry = (detail: Record<string, unknown>, extra: Partial<PutEventsRequestEntry> = {}): PutEventsRequestEntry => ({
    EventBusName: BUS,
    Source: 'test.source',
    DetailType: 'Thing',
    Detail: JSON.stringify(detail),
    ...extra,
  });

  it('accepts entries, answers their ids and keeps them as EventBridge delivers them', async () => {
    const time = new Date('2026-01-02T03:04:05Z');
    const answer = await client.send(
      new PutEventsCommand({ Entries: [entry({ n: 1 }, { Time: time, Resources: ['arn:aws:s3:::b'] }), entry({ n: 2 })] }),
    );
    expect(answer.FailedEntryCount).toBe(0);
    expect(answer.Entries).toHaveLength(2);
    const ids = answer.Entries!.map((e) => e.EventId);
    expect(ids.every((id) => typeof id === 'string' && id.length > 0)).toBe(true);
    const held = eventBridge.events(BUS).filter((event) => ids.includes(event.id));
    expect(held.map((event) => event.detail)).toEqual([{ n: 1 }, { n: 2 }]);
    expect(held[0]).toEqual({
      version: '0',
      id: ids[0],
      'detail-type': 'Thing',
      source: 'test.source',
      account: '000000000000',
      time: '2026-01-02T03:04:05Z',
      region: 'eu-west-1',
      resources: ['arn:aws:s3:::b'],
      detail: { n: 1 },
    });
  });

  it('takes a bus by ARN, and the default bus when none is named', async () => {
    const answer = await client.send(
      new PutEventsCommand({
        Entries: [
          entry({ by: 'arn' }, { EventBusName: `arn:aws:events:eu-west-1:000000000000:event-bus/${BUS}` }),
          entry({ by: 'default' }, { EventBusName: undefined }),
        ],
      }),
    );
    expect(answer.FailedEntryCount).toBe(0);
    expect(eventBridge.events(BUS).at(-1)?.detail).toEqual({ by: 'arn' });
    expect(eventBridge.events('default').at(-1)?.detail).toEqual({ by: 'default' });
  });

  it('fails invalid entries in place, with AWS error codes, and keeps the valid ones', async () => {
    const answer = await client.send(
      new PutEventsCommand({
        Entries: [
          entry({ ok: true }),
          entry({}, { EventBusName: 'no-such-bus' }),
          entry({}, { Detail: 'not json' }),
          entry({}, { Source: undefined }),
          entry({}, { Source: 'aws.s3' }),
        ],
      }),
    );
    expect(answer.FailedEntryCount).toBe(4);
    expect(answer.Entries?.[0]?.EventId).toBeTypeOf('string');
    expect(answer.Entries?.slice(1)).toEqual([
      { ErrorCode: 'ResourceNotFoundException', ErrorMessage: 'Event bus no-such-bus does not exist.' },
      { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' },
      { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter Source is not valid. Reason: Source is a required argument.' },
      { ErrorCode: 'NotAuthorizedForSourceException', ErrorMessage: 'Not authorized for the source.' },
    ]);
    expect(eventBridge.events(BUS).at(-1)?.detail).toEqual({ ok: true });
  });

  it('refuses more than 10 entries and more than 256 KB as a ValidationException, storing nothing', async () => {
    const before = eventBridge.events(BUS);
    const eleven = Array.from({ length: 11 }, (_, n) => entry({ n }));
    await expect(client.send(new PutEventsCommand({ Entries: eleven }))).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining('less than or equal to 10'),
      $metadata: { httpStatusCode: 400 },
    });
    const big = (n: number) => entry({ pad: 'x'.repeat(100 * 1024), n });
    await expect(client.send(new PutEventsCommand({ Entries: [big(1), big(2), big(3)] }))).rejects.toMatchObject({
      name: 'ValidationException',
      message: 'Total size of the entries in the request is over the limit.',
    });
    expect(eventBridge.events(BUS)).toEqual(before);
    // Two of them fit.
    const fits = await client.send(new PutEventsCommand({ Entries: [big(1), big(2)] }));
    expect(fits.FailedEntryCount).toBe(0);
  });

  it('keeps a bounded number of events per bus, dropping the oldest', async () => {
    for (let n = 0; n < 7; n += 1) await client.send(new PutEventsCommand({ Entries: [entry({ ring: n })] }));
    expect(eventBridge.events(BUS).map((event) => event.detail)).toEqual([2, 3, 4, 5, 6].map((ring) => ({ ring })));
  });

  it('waits for an event still to come, and finds one already held', async () => {
    const waiting = eventBridge.waitFor((event, busName) => busName === BUS && event.detail.later === true);
    await client.send(new PutEventsCommand({ Entries: [entry({ later: true })] }));
    await expect(waiting).resolves.toMatchObject({ detail: { later: true } });
    await expect(eventBridge.waitFor((event) => event.detail.later === true)).resolves.toMatchObject({ source: 'test.source' });
    await expect(eventBridge.waitFor(() => false, { timeoutMs: 20 })).rejects.toBeInstanceOf(EventWaitTimeoutError);
    expect(() => eventBridge.events('nope')).toThrow(UnknownEventBusError);
  });

  it('answers other operations as unknown', async () => {
    const response = await fetch(eventBridge.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSEvents.ListRules' },
      body: '{}',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ __type: 'UnknownOperationException' });
  });
});

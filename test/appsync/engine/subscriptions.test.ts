/**
 * Subscriptions end to end over real sockets: `ws` clients speaking the AppSync real-time protocol to the real local
 * AppSync, mutations over real HTTP. Covers `@aws_subscribe` fan-out and projection, argument and enhanced filtering,
 * subscription resolvers, invalidation and refused starts (appsync-js-runtime.md §6.4–6.5, appsync-realtime.md §4).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { apiKeyCaller, iamCaller, startEngineServer, type EngineServer, type GraphqlBody, type RealtimeClient } from './support.js';

let server: EngineServer;
const clients: RealtimeClient[] = [];

beforeAll(async () => {
  // No test here reaches DynamoDB.
  server = await startEngineServer({ withDynamoDb: false });
});

afterEach(() => {
  for (const client of clients.splice(0)) client.close();
});

afterAll(async () => {
  await server?.close();
});

async function connect(caller = apiKeyCaller): Promise<RealtimeClient> {
  const client = await server.connect(caller);
  clients.push(client);
  return client;
}

/** Opens a socket and starts one subscription on it, insisting on `start_ack`. */
async function subscribed(id: string, query: string, variables: Record<string, unknown> = {}): Promise<RealtimeClient> {
  const client = await connect();
  expect(await client.subscribe(id, query, variables)).toEqual({ type: 'start_ack', id });
  return client;
}

interface PublishArgs {
  readonly channel: string;
  readonly kind?: string | null;
  readonly body?: string;
  readonly priority?: number;
  readonly fail?: boolean;
}

const EVERY_EVENT_FIELD = 'id channel kind body priority meta { source tags }';

/** Runs the publish mutation (API key) selecting `selection`, and returns the response body. */
async function publish(args: PublishArgs, selection = EVERY_EVENT_FIELD): Promise<GraphqlBody> {
  const answer = await server.graphql(
    apiKeyCaller,
    `mutation Publish($channel: String!, $kind: String, $body: String, $priority: Int, $fail: Boolean) {
  publish(channel: $channel, kind: $kind, body: $body, priority: $priority, fail: $fail) { ${selection} }
}`,
    { ...args },
  );
  expect(answer.status).toBe(200);
  return answer.body;
}

/** Reads data frames until one satisfies `last`; returns the `payload.data` of each, in order. */
async function eventsUntil(client: RealtimeClient, last: (data: Record<string, unknown>) => boolean) {
  const events: Record<string, unknown>[] = [];
  for (;;) {
    const frame = await client.nextEvent();
    expect(frame['type']).toBe('data');
    const data = (frame['payload'] as { data: Record<string, unknown> }).data;
    events.push(data);
    if (last(data)) return events;
  }
}

/** The `body` of each onEvent-style event (whatever the root field is called). */
const bodies = (events: Record<string, unknown>[]) => events.map((data) => (Object.values(data)[0] as { body: string }).body);
const bodyIs = (body: string) => (data: Record<string, unknown>) => (Object.values(data)[0] as { body?: string }).body === body;

const ON_EVENT = `subscription OnEvent($channel: String, $kind: String) {
  onEvent(channel: $channel, kind: $kind) { id channel kind body priority meta { source tags } }
}`;

describe('@aws_subscribe delivery', () => {
  it("delivers the mutation result cut to the mutation's selection: unselected fields arrive null", async () => {
    const subscriber = await subscribed('cut', ON_EVENT, { channel: 'cut' });
    const result = await publish({ channel: 'cut', kind: 'note', body: 'hello', priority: 3 }, 'id channel body');
    const id = (result.data?.['publish'] as { id: string }).id;

    expect(await subscriber.nextEvent()).toEqual({
      type: 'data',
      id: 'cut',
      payload: { data: { onEvent: { id, channel: 'cut', kind: null, body: 'hello', priority: null, meta: null } } },
    });
  });

  it('delivers nested objects the mutation selected', async () => {
    const subscriber = await subscribed('nested', ON_EVENT, { channel: 'nested' });
    await publish({ channel: 'nested', body: 'with meta' }, 'id channel body meta { tags }');
    const [event] = await eventsUntil(subscriber, () => true);
    expect(event?.['onEvent']).toMatchObject({ body: 'with meta', meta: { source: null, tags: ['a', 'b'] } });
  });

  it("applies the subscriber's aliases, whatever aliases and fragments the mutation used", async () => {
    const subscriber = await subscribed(
      'aliases',
      'subscription { evt: onEvent(channel: "aliases") { __typename ident: id where: channel text: body } }',
    );
    const answer = await server.graphql(
      apiKeyCaller,
      `mutation { created: publish(channel: "aliases", body: "aliased") { theId: id ...Parts } }
fragment Parts on Event { channel words: body }`,
    );
    const id = (answer.body.data?.['created'] as { theId: string }).theId;
    expect(await subscriber.nextEvent()).toEqual({
      type: 'data',
      id: 'aliases',
      payload: { data: { evt: { __typename: 'Event', ident: id, where: 'aliases', text: 'aliased' } } },
    });
  });

  it('delivers to two subscribers with identical documents', async () => {
    const [first, second] = await Promise.all([
      subscribed('twin', ON_EVENT, { channel: 'twins' }),
      subscribed('twin', ON_EVENT, { channel: 'twins' }),
    ]);
    await publish({ channel: 'twins', body: 'for both' });
    const [a, b] = await Promise.all([first.nextEvent(), second.nextEvent()]);
    expect(a).toMatchObject({ type: 'data', id: 'twin', payload: { data: { onEvent: { channel: 'twins', body: 'for both' } } } });
    expect(b).toEqual(a);
  });

  it('publishes nothing for a failed mutation', async () => {
    const subscriber = await subscribed('failed', ON_EVENT, { channel: 'failing' });
    const failed = await publish({ channel: 'failing', body: 'refused', fail: true });
    expect(failed.data).toEqual({ publish: null });
    expect(failed.errors?.[0]).toMatchObject({ errorType: 'Publish:Refused', path: ['publish'] });

    await publish({ channel: 'failing', body: 'accepted' });
    // Frames arrive in order: had the failed mutation published, its event would come first.
    expect(bodies(await eventsUntil(subscriber, () => true))).toEqual(['accepted']);
  });

  it('stops delivering after the client stops the subscription', async () => {
    const client = await connect();
    expect(await client.subscribe('stopped', ON_EVENT, { channel: 'stops' })).toMatchObject({ type: 'start_ack' });
    expect(await client.subscribe('kept', ON_EVENT, { channel: 'stops' })).toMatchObject({ type: 'start_ack' });
    client.reader.send({ id: 'stopped', type: 'stop' });
    expect(await client.nextEvent()).toEqual({ type: 'complete', id: 'stopped' });

    await publish({ channel: 'stops', body: 'after stop' });
    expect(await client.nextEvent()).toMatchObject({ type: 'data', id: 'kept' });
  });
});

describe('argument filtering', () => {
  it('delivers only events whose top-level fields equal the supplied arguments; omitted arguments do not filter', async () => {
    const [red, redAlert, everything, blue] = await Promise.all([
      subscribed('red', ON_EVENT, { channel: 'red' }),
      subscribed('red-alert', ON_EVENT, { channel: 'red', kind: 'alert' }),
      subscribed('all', ON_EVENT, {}),
      subscribed('blue', ON_EVENT, { channel: 'blue' }),
    ]);
    await publish({ channel: 'red', kind: 'note', body: '1' });
    await publish({ channel: 'red', kind: 'alert', body: '2' });
    await publish({ channel: 'blue', kind: 'note', body: '3' });
    await publish({ channel: 'red', kind: 'alert', body: '4' });
    await publish({ channel: 'blue', kind: 'alert', body: '5' });

    expect(bodies(await eventsUntil(red, bodyIs('4')))).toEqual(['1', '2', '4']);
    expect(bodies(await eventsUntil(redAlert, bodyIs('4')))).toEqual(['2', '4']);
    expect(bodies(await eventsUntil(everything, bodyIs('5')))).toEqual(['1', '2', '3', '4', '5']);
    expect(bodies(await eventsUntil(blue, bodyIs('5')))).toEqual(['3', '5']);
  });

  it('treats an explicit null argument as "must be null"', async () => {
    const subscriber = await subscribed('null-kind', ON_EVENT, { channel: 'null-kind', kind: null });
    await publish({ channel: 'null-kind', kind: 'set', body: 'has a kind' });
    await publish({ channel: 'null-kind', body: 'no kind' });
    expect(bodies(await eventsUntil(subscriber, () => true))).toEqual(['no kind']);
  });

  it('compares arguments with the published payload, so a field the mutation did not select never matches', async () => {
    const subscriber = await subscribed('unselected', ON_EVENT, { channel: 'unselected' });
    await publish({ channel: 'unselected', body: 'channel not selected' }, 'id body');
    await publish({ channel: 'unselected', body: 'channel selected' }, 'id channel body');
    expect(bodies(await eventsUntil(subscriber, () => true))).toEqual(['channel selected']);
  });
});

describe('subscription resolvers', () => {
  it('filters with the enhanced filter of setSubscriptionFilter instead of the arguments', async () => {
    const subscriber = await subscribed('alerts', 'subscription { onAlert(channel: "quiet") { channel kind body } }');
    await publish({ channel: 'loud', kind: 'alert', body: 'alert elsewhere' });
    await publish({ channel: 'quiet', kind: 'note', body: 'note on quiet' });
    await publish({ channel: 'quiet', kind: 'alert', body: 'alert on quiet' });
    const events = await eventsUntil(subscriber, bodyIs('alert on quiet'));
    // The channel argument does not filter (the first event is from another channel) and the note is filtered out.
    expect(events).toEqual([
      { onAlert: { channel: 'loud', kind: 'alert', body: 'alert elsewhere' } },
      { onAlert: { channel: 'quiet', kind: 'alert', body: 'alert on quiet' } },
    ]);
  });

  it('refuses the start with an Unauthorized error frame when the resolver calls util.unauthorized()', async () => {
    const client = await connect();
    const answer = await client.subscribe('refused', 'subscription { onChannel(channel: "forbidden-room") { body } }');
    expect(answer).toEqual({
      type: 'error',
      id: 'refused',
      payload: {
        errors: [
          {
            path: null,
            data: null,
            errorType: 'Unauthorized',
            errorInfo: null,
            locations: null,
            message: 'Not Authorized to access onChannel on type Subscription',
          },
        ],
      },
    });
    // Nothing was registered: a publish on that channel reaches only the control subscription.
    expect(await client.subscribe('control', ON_EVENT, { channel: 'forbidden-room' })).toMatchObject({ type: 'start_ack' });
    await publish({ channel: 'forbidden-room', body: 'secret' });
    expect(await client.nextEvent()).toMatchObject({ type: 'data', id: 'control' });
  });

  it('ends matching subscriptions with complete on invalidateSubscriptions; others keep receiving', async () => {
    const client = await connect();
    const query = 'subscription OnChannel($channel: String!) { onChannel(channel: $channel) { channel body } }';
    expect(await client.subscribe('room-1', query, { channel: 'room-1' })).toMatchObject({ type: 'start_ack' });
    expect(await client.subscribe('room-2', query, { channel: 'room-2' })).toMatchObject({ type: 'start_ack' });

    const closed = await server.graphql(apiKeyCaller, 'mutation { closeChannels(channels: ["room-1"]) }');
    expect(closed.body).toEqual({ data: { closeChannels: 1 } });
    expect(await client.nextEvent()).toEqual({ type: 'complete', id: 'room-1' });

    await publish({ channel: 'room-1', body: 'to the closed room' });
    await publish({ channel: 'room-2', body: 'to the open room' });
    // Had room-1 still been subscribed, its event would come before room-2's.
    expect(await client.nextEvent()).toEqual({
      type: 'data',
      id: 'room-2',
      payload: { data: { onChannel: { channel: 'room-2', body: 'to the open room' } } },
    });
  });

  it('refuses more than 5 distinct invalidations in one request, and then invalidates nothing', async () => {
    const client = await connect();
    const query = 'subscription { onChannel(channel: "limit-a") { body } }';
    expect(await client.subscribe('limit-a', query)).toMatchObject({ type: 'start_ack' });

    const tooMany = await server.graphql(
      apiKeyCaller,
      'mutation { closeChannels(channels: ["limit-a", "limit-b", "limit-c", "limit-d", "limit-e", "limit-f"]) }',
    );
    expect(tooMany.body.data).toEqual({ closeChannels: null });
    expect(tooMany.body.errors).toEqual([
      expect.objectContaining({ path: ['closeChannels'], errorType: 'LimitExceededError', message: expect.stringMatching(/5/) }),
    ]);
    await publish({ channel: 'limit-a', body: 'still subscribed' });
    expect(await client.nextEvent()).toMatchObject({ type: 'data', id: 'limit-a' });

    // Repeating one invalidation does not count against the limit.
    const repeated = await server.graphql(
      apiKeyCaller,
      'mutation { closeChannels(channels: ["limit-a", "limit-a", "limit-a", "limit-a", "limit-a", "limit-a", "limit-b"]) }',
    );
    expect(repeated.body).toEqual({ data: { closeChannels: 7 } });
    expect(await client.nextEvent()).toEqual({ type: 'complete', id: 'limit-a' });
  });
});

describe('authorization of subscriptions', () => {
  const ON_IAM_ONLY = 'subscription { onIamOnly { channel body } }';

  it('refuses a subscription field the caller’s mode may not use', async () => {
    const client = await connect();
    expect(await client.subscribe('iam-only', ON_IAM_ONLY)).toMatchObject({
      type: 'error',
      id: 'iam-only',
      payload: { errors: [{ errorType: 'Unauthorized', message: 'Not Authorized to access onIamOnly on type Subscription' }] },
    });
  });

  it('accepts it over a SigV4-signed connection, and with SigV4 on the start message alone', async () => {
    const iamConnection = await connect(iamCaller);
    expect(await iamConnection.subscribe('iam-connection', ON_IAM_ONLY)).toEqual({ type: 'start_ack', id: 'iam-connection' });
    const apiKeyConnection = await connect();
    expect(await apiKeyConnection.subscribe('iam-start', ON_IAM_ONLY, {}, iamCaller)).toEqual({ type: 'start_ack', id: 'iam-start' });

    await publish({ channel: 'iam', body: 'for IAM subscribers' });
    const expected = { channel: 'iam', body: 'for IAM subscribers' };
    expect(await iamConnection.nextEvent()).toEqual({ type: 'data', id: 'iam-connection', payload: { data: { onIamOnly: expected } } });
    expect(await apiKeyConnection.nextEvent()).toEqual({ type: 'data', id: 'iam-start', payload: { data: { onIamOnly: expected } } });
  });
});

describe('malformed starts', () => {
  /** Sends a raw start and returns the error frame's first error. */
  async function refusal(client: RealtimeClient, id: string, payload: unknown): Promise<Record<string, unknown>> {
    client.reader.send({ id, payload, type: 'start' });
    const answer = await client.answerTo(id);
    expect(answer['type']).toBe('error');
    const errors = (answer['payload'] as { errors: Record<string, unknown>[] }).errors;
    expect(errors).toHaveLength(1);
    return errors[0]!;
  }

  const data = (request: unknown): { data: string } => ({ data: JSON.stringify(request) });

  it('answers each malformed start with an error frame for its id, and the connection stays usable', async () => {
    const client = await connect();
    expect(await refusal(client, 'no-data', { query: ON_EVENT })).toMatchObject({ errorType: 'UnsupportedOperation' });
    expect(await refusal(client, 'not-json', { data: 'subscription {' })).toMatchObject({
      errorType: 'MalformedHttpRequestException',
    });
    expect(await refusal(client, 'no-query', data({ variables: {} }))).toMatchObject({ errorType: 'MalformedHttpRequestException' });
    expect(await refusal(client, 'unparseable', data({ query: 'subscription { onEvent {' }))).toMatchObject({
      errorType: 'MalformedHttpRequestException',
      message: expect.stringMatching(/^Unable to parse GraphQL query\./),
    });
    expect(await refusal(client, 'invalid', data({ query: 'subscription { onEvent { nope } }' }))).toMatchObject({
      message: expect.stringMatching(/^Validation error.*nope/),
    });
    expect(await refusal(client, 'a-query', data({ query: 'query { defaultModeOnly }' }))).toMatchObject({
      errorType: 'BadRequestException',
    });
    expect(
      await refusal(client, 'bad-variable', data({ query: ON_EVENT, variables: { channel: { not: 'a string' } } })),
    ).toMatchObject({ message: expect.stringMatching(/\$channel/) });

    expect(await client.subscribe('fine', ON_EVENT, { channel: 'after-errors' })).toEqual({ type: 'start_ack', id: 'fine' });
    expect(await refusal(client, 'fine', data({ query: ON_EVENT }))).toMatchObject({ errorType: 'DuplicatedOperationError' });
    await publish({ channel: 'after-errors', body: 'still works' });
    expect(await client.nextEvent()).toMatchObject({ type: 'data', id: 'fine' });
  });
});

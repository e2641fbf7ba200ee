/** The soak's checks catch what they are for: loss, duplicates, reordering within a stream, non-idempotent retries. */
import { describe, expect, it } from 'vitest';
import { checkHistory, checkSubscriber, messageBody, parseBody, type StoredMessage } from './ledger.js';

const stored = (id: string, stream: string, sequence: number, version = 1): StoredMessage => ({
  id,
  authorId: stream.split('/')[0] ?? stream,
  clientMessageId: `${stream}-${sequence}`,
  body: messageBody(stream, sequence),
  version,
});
const delivered = ({ id, version, body }: StoredMessage) => ({ id, version, body });

// Two streams interleaved, in id order (the server's order).
const history = [stored('01A', 'a/1', 1), stored('01B', 'b/1', 1), stored('01C', 'a/1', 2), stored('01D', 'b/1', 2)];

describe('checkSubscriber', () => {
  it('accepts a view that is exactly the history, streams interleaved in any order', () => {
    const [a1, b1, a2, b2] = history as [StoredMessage, StoredMessage, StoredMessage, StoredMessage];
    expect(checkSubscriber(history, [b1, a1, b2, a2].map(delivered))).toEqual({
      received: 4,
      lost: 0,
      duplicated: 0,
      outOfOrder: 0,
      unknown: 0,
      matchesHistory: true,
    });
  });

  it('counts a message never handed over as lost', () => {
    const figures = checkSubscriber(history, history.slice(0, 3).map(delivered));
    expect(figures).toMatchObject({ received: 3, lost: 1, matchesHistory: false });
  });

  it('counts a state handed over twice as a duplicate', () => {
    const figures = checkSubscriber(history, [...history, history[1]!].map(delivered));
    expect(figures).toMatchObject({ duplicated: 1, lost: 0, matchesHistory: true });
  });

  it("counts a stream's message handed over before an earlier one of the same stream as out of order", () => {
    const [a1, b1, a2, b2] = history as [StoredMessage, StoredMessage, StoredMessage, StoredMessage];
    expect(checkSubscriber(history, [a2, b1, a1, b2].map(delivered)).outOfOrder).toBe(1);
  });

  it('counts a message the server does not store as unknown, and the view then differs', () => {
    const figures = checkSubscriber(history, [...history, stored('01E', 'c/1', 1)].map(delivered));
    expect(figures).toMatchObject({ unknown: 1, matchesHistory: false });
  });

  it('takes a newer version as the view, and an older one after it as a duplicate', () => {
    const edited = [stored('01A', 'a/1', 1, 2)];
    const v1 = stored('01A', 'a/1', 1, 1);
    expect(checkSubscriber(edited, [v1, edited[0]!, v1].map(delivered))).toMatchObject({
      lost: 0,
      duplicated: 1,
      matchesHistory: true,
    });
  });
});

describe('checkHistory', () => {
  const acknowledged = history.map((message) => ({ clientMessageId: message.clientMessageId, messageId: message.id }));

  it('finds nothing wrong when each acknowledged send is stored once under its id', () => {
    expect(checkHistory(history, acknowledged)).toEqual({
      stored: 4,
      acknowledgedMissing: [],
      acknowledgedMismatched: [],
      storedTwice: [],
      unacknowledged: [],
    });
  });

  it('finds a retried send stored twice, and the copy nobody was acknowledged for', () => {
    const retried = { ...history[0]!, id: '01Z' };
    const figures = checkHistory([...history, retried], acknowledged);
    expect(figures.storedTwice).toEqual(['a/a/1-1']);
    expect(figures.unacknowledged).toEqual(['01Z']);
  });

  it('finds an acknowledged send that is not stored', () => {
    expect(checkHistory(history.slice(1), acknowledged).acknowledgedMissing).toEqual(['a/1-1']);
  });
});

describe('message bodies', () => {
  it('carry their stream and sequence number', () => {
    expect(parseBody(messageBody('graphql-sender-1/2', 17))).toEqual({ stream: 'graphql-sender-1/2', sequence: 17 });
    expect(parseBody('hello')).toBeNull();
  });
});

/**
 * The soak's bookkeeping: what senders had acknowledged, what the server stores, what each subscriber was handed —
 * and the figures that compare them. Pure functions, so that the checks themselves are tested (ledger.test.ts).
 *
 * Order: senders send one message at a time per stream, each after the previous one was acknowledged, so a
 * stream's messages have a real order (the body carries stream and sequence number). A subscriber that is handed a
 * stream's message before an earlier one of the same stream delivered out of order. Messages of different streams
 * race each other and have no order to keep beyond the server's (ids), which the final view is compared with.
 */

/** What a sender got back for one message. */
export interface Acknowledgement {
  readonly clientMessageId: string;
  readonly messageId: string;
}

/** A message as the server stores it (the fields the checks read). */
export interface StoredMessage {
  readonly id: string;
  readonly authorId: string;
  readonly clientMessageId: string;
  readonly body: string;
  readonly version: number;
}

/** One message state handed to a subscriber's application, in the order it was handed over. */
export interface Delivery {
  readonly id: string;
  readonly version: number;
  readonly body: string;
}

export interface HistoryFigures {
  readonly stored: number;
  /** Acknowledged sends whose message is not stored. */
  readonly acknowledgedMissing: string[];
  /** Acknowledged sends answered with another message than the one stored for their clientMessageId. */
  readonly acknowledgedMismatched: string[];
  /** clientMessageIds stored more than once by one author (a retry that was not idempotent). */
  readonly storedTwice: string[];
  /** Stored messages no send was acknowledged for. */
  readonly unacknowledged: string[];
}

export interface SubscriberFigures {
  /** Distinct messages handed over. */
  readonly received: number;
  /** Stored messages never handed over (or not in their stored version). */
  readonly lost: number;
  /** States handed over again (same or older version of a message already handed over). */
  readonly duplicated: number;
  /** Messages handed over before an earlier message of the same stream. */
  readonly outOfOrder: number;
  /** Messages handed over that the server does not store. */
  readonly unknown: number;
  /** The subscriber's final view — each message's last state, ordered by id — is the server's history. */
  readonly matchesHistory: boolean;
}

/** The body of the `sequence`th message of `stream`. */
export function messageBody(stream: string, sequence: number): string {
  return `${stream} #${sequence}`;
}

/** The stream and sequence number in a body made by {@link messageBody}; null for any other body. */
export function parseBody(body: string): { stream: string; sequence: number } | null {
  const match = /^(.+) #(\d+)$/.exec(body);
  return match === null ? null : { stream: match[1] ?? '', sequence: Number(match[2]) };
}

/** Compares the server's history with the senders' acknowledgements. */
export function checkHistory(history: readonly StoredMessage[], acknowledged: readonly Acknowledgement[]): HistoryFigures {
  const byKey = new Map<string, StoredMessage[]>();
  for (const message of history) {
    const key = `${message.authorId}/${message.clientMessageId}`;
    byKey.set(key, [...(byKey.get(key) ?? []), message]);
  }
  const byClientMessageId = new Map(history.map((message) => [message.clientMessageId, message]));
  const storedIds = new Set(history.map((message) => message.id));
  const acknowledgedIds = new Set(acknowledged.map((ack) => ack.messageId));
  return {
    stored: history.length,
    acknowledgedMissing: acknowledged.filter((ack) => !storedIds.has(ack.messageId)).map((ack) => ack.clientMessageId),
    acknowledgedMismatched: acknowledged
      .filter((ack) => {
        const stored = byClientMessageId.get(ack.clientMessageId);
        return stored !== undefined && stored.id !== ack.messageId;
      })
      .map((ack) => ack.clientMessageId),
    storedTwice: [...byKey].filter(([, messages]) => messages.length > 1).map(([key]) => key),
    unacknowledged: history.filter((message) => !acknowledgedIds.has(message.id)).map((message) => message.id),
  };
}

/** Compares what one subscriber was handed, in order, with the server's history (oldest first). */
export function checkSubscriber(history: readonly StoredMessage[], deliveries: readonly Delivery[]): SubscriberFigures {
  const stored = new Map(history.map((message) => [message.id, message]));
  const view = new Map<string, Delivery>();
  const lastSequence = new Map<string, number>();
  let duplicated = 0;
  let outOfOrder = 0;
  let unknown = 0;
  for (const delivery of deliveries) {
    const previous = view.get(delivery.id);
    if (previous !== undefined && previous.version >= delivery.version) {
      duplicated += 1;
      continue;
    }
    view.set(delivery.id, delivery);
    if (!stored.has(delivery.id)) unknown += 1;
    if (previous !== undefined) continue;
    const parsed = parseBody(delivery.body);
    if (parsed === null) continue;
    const last = lastSequence.get(parsed.stream) ?? -1;
    if (parsed.sequence < last) outOfOrder += 1;
    else lastSequence.set(parsed.stream, parsed.sequence);
  }
  const lost = history.filter((message) => view.get(message.id)?.version !== message.version).length;
  const viewInIdOrder = [...view.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const matchesHistory =
    viewInIdOrder.length === history.length &&
    viewInIdOrder.every((state, index) => state.id === history[index]?.id && state.version === history[index]?.version);
  return { received: view.size, lost, duplicated, outOfOrder, unknown, matchesHistory };
}

/**
 * Issue #8, "No loss, no duplicates": SOAK_MESSAGES messages (10,000 by default) from many senders over both
 * protocols while subscribers' connections are reset at random; after catch-up every subscriber holds exactly the
 * server's history, and every acknowledged send is stored exactly once. Run with `npm run test:soak`
 * (`vitest run --config vitest.soak.config.ts`).
 *
 * Knobs (environment): SOAK_MESSAGES (10000), SOAK_SEED (random; printed, replays the chaos schedule),
 * SOAK_GRAPHQL_SENDERS (4) and SOAK_WEBSOCKET_SENDERS (4) users, SOAK_STREAMS_PER_SENDER (3) sequential sends each,
 * SOAK_GRAPHQL_SUBSCRIBERS (3), SOAK_WEBSOCKET_SUBSCRIBERS (3), SOAK_SETTLE_MS (90000: catch-up time after the last
 * send), SOAK_CHAOS=off (a baseline without cuts).
 */
import { describe, expect, it } from 'vitest';
import { formatReport, runSoak, soakOptionsFromEnvironment } from './scenario.js';

const log = (line: string) => process.stdout.write(`[soak] ${line}\n`);
const options = soakOptionsFromEnvironment(process.env, log);
/** Setup and catch-up, plus sending at no less than 10 messages a second. */
const timeoutMs = 180_000 + options.settleTimeoutMs + options.messages * 100;

describe('no loss, no duplicates', () => {
  it(`${options.messages} messages over both protocols while subscribers reconnect at random`, { timeout: timeoutMs }, async () => {
    log(`${options.messages} messages, chaos seed ${options.seed}`);
    const report = await runSoak(options);
    for (const line of formatReport(report)) log(line);

    expect(report.unacknowledgedSends).toEqual([]);
    expect(report.acknowledged).toBe(options.messages);
    // Every acknowledged send is stored exactly once, under the id it was acknowledged with, and nothing else is.
    expect(report.history.stored).toBe(options.messages);
    expect(report.history.acknowledgedMissing).toEqual([]);
    expect(report.history.acknowledgedMismatched).toEqual([]);
    expect(report.history.storedTwice).toEqual([]);
    expect(report.history.unacknowledged).toEqual([]);
    // The chaos really happened: subscribers on both protocols lost their connections and came back.
    for (const protocol of options.chaos ? (['graphql', 'websocket'] as const) : []) {
      const ofProtocol = report.subscribers.filter((subscriber) => subscriber.protocol === protocol);
      if (ofProtocol.length > 0) expect(ofProtocol.some((subscriber) => subscriber.reconnects > 0)).toBe(true);
    }
    // Every subscriber, after catch-up, holds exactly the server's history.
    expect(
      report.subscribers.map(({ name, received, lost, duplicated, outOfOrder, unknown, matchesHistory }) => ({
        name,
        received,
        lost,
        duplicated,
        outOfOrder,
        unknown,
        matchesHistory,
      })),
    ).toEqual(
      report.subscribers.map(({ name }) => ({
        name,
        received: options.messages,
        lost: 0,
        duplicated: 0,
        outOfOrder: 0,
        unknown: 0,
        matchesHistory: true,
      })),
    );
  });
});

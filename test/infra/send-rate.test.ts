/** The send rate limit as a deployment knob: CDK context → chatApiWith → API environment variables. */
import { describe, expect, it } from 'vitest';
import { InvalidContextError } from '../../infra/errors.js';
import { sendRateLimitFromContext } from '../../infra/send-rate.js';
import { DEFAULT_SEND_RATE_LIMIT, chatApi, chatApiWith } from '../../resolvers/api.js';

const contextOf = (values: Record<string, string>) => (key: string) => values[key];

describe('the send rate limit knob', () => {
  it('defaults to 30 messages per 10 s, as the local cloud runs it', () => {
    expect(DEFAULT_SEND_RATE_LIMIT).toEqual({ messagesPerWindow: 30, windowSeconds: 10 });
    expect(sendRateLimitFromContext(contextOf({}))).toEqual({});
    expect(chatApi.environmentVariables).toMatchObject({ SEND_RATE_LIMIT: '30', SEND_RATE_WINDOW_SECONDS: '10' });
  });

  it('reads wavechat:sendRateLimit and wavechat:sendRateWindowSeconds into the API environment variables', () => {
    const limit = sendRateLimitFromContext(contextOf({ sendRateLimit: '0', sendRateWindowSeconds: '60' }));
    expect(limit).toEqual({ messagesPerWindow: 0, windowSeconds: 60 });
    expect(chatApiWith(limit).environmentVariables).toEqual({
      CHAT_TABLE: { tableName: 'Chat' },
      SEND_RATE_LIMIT: '0',
      SEND_RATE_WINDOW_SECONDS: '60',
    });
    expect(chatApiWith({ messagesPerWindow: 5 }).environmentVariables).toMatchObject({
      SEND_RATE_LIMIT: '5',
      SEND_RATE_WINDOW_SECONDS: '10',
    });
  });

  it.each([
    [{ sendRateLimit: 'lots' }, 'wavechat:sendRateLimit must be a whole number (0 turns the limit off), got "lots"'],
    [{ sendRateLimit: '-1' }, 'wavechat:sendRateLimit must be a whole number (0 turns the limit off), got "-1"'],
    [{ sendRateWindowSeconds: '0' }, 'wavechat:sendRateWindowSeconds must be a positive whole number, got "0"'],
    [{ sendRateWindowSeconds: '1.5' }, 'wavechat:sendRateWindowSeconds must be a positive whole number, got "1.5"'],
  ])('refuses %o', (values, message) => {
    expect(() => sendRateLimitFromContext(contextOf(values))).toThrow(InvalidContextError);
    expect(() => sendRateLimitFromContext(contextOf(values))).toThrow(message);
  });
});

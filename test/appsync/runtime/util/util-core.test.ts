import { describe, expect, it } from 'vitest';
import { UtilArgumentError, UtilErrorSignal } from '../../../../local/appsync/runtime/util/index.js';
import { KSUID_EPOCH_SECONDS, UlidGenerator } from '../../../../local/appsync/runtime/util/ids.js';
import { harness, thrown } from './fixture.js';

const { util } = harness();

describe('util.escapeJavaScript', () => {
  it('escapes quotes, backslash, slash and control characters like Commons Lang', () => {
    expect(util.escapeJavaScript(`it's "x" a\\b </script>\n\t`)).toBe(`it\\'s \\"x\\" a\\\\b <\\/script>\\n\\t`);
  });

  it('writes non-ASCII and other control characters as upper-case \\u escapes', () => {
    expect(util.escapeJavaScript('é\u0001😀')).toBe('\\u00E9\\u0001\\uD83D\\uDE00');
  });
});

describe('util.urlEncode / urlDecode', () => {
  it('form-encodes like java.net.URLEncoder (space → +)', () => {
    expect(util.urlEncode('a b&c')).toBe('a+b%26c');
    expect(util.urlEncode("*-._~!'()")).toBe('*-._%7E%21%27%28%29');
    expect(util.urlEncode('é/€')).toBe('%C3%A9%2F%E2%82%AC');
  });

  it('decodes + and UTF-8 escapes, and round-trips', () => {
    expect(util.urlDecode('a+b%26c')).toBe('a b&c');
    expect(util.urlDecode('%C3%A9%2f')).toBe('é/');
    const text = 'Grüße, 世界 & more+1 😀';
    expect(util.urlDecode(util.urlEncode(text))).toBe(text);
  });

  it('rejects malformed escapes as Java does', () => {
    expect(thrown(() => util.urlDecode('%G1'))).toBeInstanceOf(UtilArgumentError);
    expect(thrown(() => util.urlDecode('abc%4'))).toBeInstanceOf(UtilArgumentError);
  });
});

describe('util.base64Encode / base64Decode', () => {
  it('encodes the UTF-8 bytes with padding and decodes them back', () => {
    expect(util.base64Encode('foo')).toBe('Zm9v');
    expect(util.base64Encode('héllo')).toBe('aMOpbGxv');
    expect(util.base64Decode('aMOpbGxv')).toBe('héllo');
    expect(util.base64Decode(util.base64Encode('😀 ok'))).toBe('😀 ok');
  });

  it('rejects text that is not base64', () => {
    expect(thrown(() => util.base64Decode('not base64!'))).toBeInstanceOf(UtilArgumentError);
  });
});

describe('util.autoId', () => {
  it('returns distinct version-4 UUIDs', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => util.autoId()));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe('util.autoUlid', () => {
  it('returns 26 Crockford base32 characters encoding the current time', () => {
    const before = Date.now();
    const id = util.autoUlid();
    expect(id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    let time = 0;
    for (const ch of id.slice(0, 10)) time = time * 32 + '0123456789ABCDEFGHJKMNPQRSTVWXYZ'.indexOf(ch);
    expect(time).toBeGreaterThanOrEqual(before);
    expect(time).toBeLessThanOrEqual(Date.now());
  });

  it('sorts in creation order across 10k ids made in a tight loop', () => {
    const ids = Array.from({ length: 10_000 }, () => util.autoUlid());
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
  });

  it('stays monotonic within one millisecond, across a random-part overflow and when the clock steps back', () => {
    const generator = new UlidGenerator();
    const sameMs = Array.from({ length: 100 }, () => generator.next(1_700_000_000_000));
    expect([...sameMs].sort()).toEqual(sameMs);
    const later = generator.next(1_700_000_000_005);
    const stepBack = generator.next(1_699_999_999_000);
    expect(stepBack > later).toBe(true);
    expect(stepBack.slice(0, 10)).toBe(later.slice(0, 10));
  });
});

describe('util.autoKsuid', () => {
  it('returns 27 base62 characters whose first 4 bytes are seconds since the KSUID epoch', () => {
    const id = util.autoKsuid();
    expect(id).toMatch(/^[0-9A-Za-z]{27}$/);
    const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
    let value = 0n;
    for (const ch of id) value = value * 62n + BigInt(alphabet.indexOf(ch));
    const seconds = Number(value >> 128n) + KSUID_EPOCH_SECONDS;
    expect(Math.abs(seconds - Date.now() / 1000)).toBeLessThan(5);
    expect(util.autoKsuid()).not.toBe(id);
  });
});

describe('util.unauthorized / util.error / util.appendError', () => {
  it('unauthorized ends the handler with the field and type in the message', () => {
    const h = harness({ fieldName: 'deleteMessage', parentTypeName: 'Mutation' });
    const signal = thrown(() => h.util.unauthorized());
    expect(signal).toBeInstanceOf(UtilErrorSignal);
    expect((signal as UtilErrorSignal).record).toEqual({
      message: 'Not Authorized to access deleteMessage on type Mutation',
      errorType: 'Unauthorized',
      data: null,
      errorInfo: null,
    });
  });

  it('unauthorized reads the call in progress, not the one at creation', () => {
    const h = harness();
    h.state = { ...h.state, fieldName: 'onMessage', parentTypeName: 'Subscription' };
    expect((thrown(() => h.util.unauthorized()) as UtilErrorSignal).message).toBe(
      'Not Authorized to access onMessage on type Subscription',
    );
  });

  it('error carries message, type, data and errorInfo (util.error("foo") → { message: "foo" })', () => {
    expect((thrown(() => util.error('foo')) as UtilErrorSignal).record).toEqual({
      message: 'foo',
      errorType: null,
      data: null,
      errorInfo: null,
    });
    const data = { id: '1', nested: { at: 2 } };
    const record = (
      thrown(() =>
        util.error('Conflict', 'DynamoDB:ConditionalCheckFailedException', data, { retry: false }),
      ) as UtilErrorSignal
    ).record;
    data.nested.at = 3;
    expect(record).toEqual({
      message: 'Conflict',
      errorType: 'DynamoDB:ConditionalCheckFailedException',
      data: { id: '1', nested: { at: 2 } },
      errorInfo: { retry: false },
    });
  });

  it('appendError records into the current effects and lets the handler go on', () => {
    const h = harness();
    h.util.appendError('first', 'Warning', { n: 1 });
    h.util.appendError('second');
    expect(h.state.effects.appendedErrors).toEqual([
      { message: 'first', errorType: 'Warning', data: { n: 1 }, errorInfo: null },
      { message: 'second', errorType: null, data: null, errorInfo: null },
    ]);
  });
});

describe('util.authType', () => {
  it('answers the auth type of the call in progress', () => {
    const h = harness({ authType: 'User Pool Authorization' });
    expect(h.util.authType()).toBe('User Pool Authorization');
    h.state = { ...h.state, authType: 'IAM Authorization' };
    expect(h.util.authType()).toBe('IAM Authorization');
  });
});

describe('util.math', () => {
  it('rounds half up, picks min/max and draws in range', () => {
    expect(util.math.roundNum(2.5)).toBe(3);
    expect(util.math.roundNum(-2.5)).toBe(-2);
    expect(util.math.minVal(3, -1)).toBe(-1);
    expect(util.math.maxVal(3, -1)).toBe(3);
    for (let i = 0; i < 200; i += 1) {
      const d = util.math.randomDouble();
      expect(d >= 0 && d < 1).toBe(true);
      const n = util.math.randomWithinRange(5, 7);
      expect([5, 6, 7]).toContain(n);
    }
  });
});

describe('util.str.normalize', () => {
  it('applies the four Unicode normalization forms', () => {
    expect(util.str.normalize('e\u0301', 'nfc')).toBe('é');
    expect(util.str.normalize('é', 'nfd')).toBe('e\u0301');
    expect(util.str.normalize('ﬁ', 'nfkc')).toBe('fi');
    expect(util.str.normalize('ﬁé', 'nfkd')).toBe('fie\u0301');
    expect(thrown(() => util.str.normalize('x', 'nfx'))).toBeInstanceOf(UtilArgumentError);
  });
});

describe('the globals', () => {
  it('are frozen so resolver code cannot patch them', () => {
    expect(Object.isFrozen(util)).toBe(true);
    expect(Object.isFrozen(util.time)).toBe(true);
    expect(() => {
      (util as unknown as Record<string, unknown>).autoId = () => 'x';
    }).toThrow(TypeError);
  });

  it('expose no VTL-only helpers', () => {
    for (const name of ['isNull', 'toJson', 'parseJson', 'qr', 'quiet', 'list', 'map', 'typeOf']) {
      expect(Object.hasOwn(util, name)).toBe(false);
    }
    expect(Object.hasOwn(util.dynamodb, 'toDynamoDBJson')).toBe(false);
  });
});

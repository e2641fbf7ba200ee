import { describe, expect, it } from 'vitest';
import { UtilArgumentError } from '../../../../local/appsync/runtime/util/index.js';
import { createTimeUtils } from '../../../../local/appsync/runtime/util/time.js';
import { harness, thrown } from './fixture.js';

const { util } = harness();
// 2018-02-06T19:01:35.750Z, the instant of the AWS documentation examples.
const DOC_INSTANT = 1517943695750;
const fixed = createTimeUtils(() => DOC_INSTANT);

describe('util.time — AWS documentation examples', () => {
  it('epochMilliSecondsToSeconds / ToISO8601', () => {
    expect(util.time.epochMilliSecondsToSeconds(1517943695750)).toBe(1517943695);
    expect(util.time.epochMilliSecondsToISO8601(1517943695758)).toBe('2018-02-06T19:01:35.758Z');
  });

  it('epochMilliSecondsToFormatted in UTC and in a zone', () => {
    expect(util.time.epochMilliSecondsToFormatted(1517943695750, 'yyyy-MM-dd HH:mm:ssZ')).toBe(
      '2018-02-06 19:01:35+0000',
    );
    expect(util.time.epochMilliSecondsToFormatted(1517943695750, 'yyyy-MM-dd HH:mm:ssZ', 'Australia/Perth')).toBe(
      '2018-02-07 03:01:35+0800',
    );
  });

  it('nowFormatted with and without a zone', () => {
    expect(fixed.nowFormatted('yyyy-MM-dd HH:mm:ssZ')).toBe('2018-02-06 19:01:35+0000');
    expect(fixed.nowFormatted('yyyy-MM-dd HH:mm:ssZ', 'Australia/Perth')).toBe('2018-02-07 03:01:35+0800');
    expect(fixed.nowFormatted('yyyy-MM-dd HH:mm:ssZ', 'Africa/Cairo')).toBe('2018-02-06 21:01:35+0200');
  });

  it('parseFormattedToEpochMilliSeconds with an offset in the text or a zone argument', () => {
    expect(
      util.time.parseFormattedToEpochMilliSeconds('2018-02-01 17:21:05.180+0800', 'yyyy-MM-dd HH:mm:ss.SSSZ'),
    ).toBe(1517476865180);
    expect(
      util.time.parseFormattedToEpochMilliSeconds(
        '2018-02-01 17:21:05.180',
        'yyyy-MM-dd HH:mm:ss.SSS',
        'Australia/Perth',
      ),
    ).toBe(1517476865180);
    expect(
      util.time.parseFormattedToEpochMilliSeconds('2018-02-01 17:21:05', 'yyyy-MM-dd HH:mm:ss', 'Australia/Perth'),
    ).toBe(1517476865000);
  });

  it('parseISO8601ToEpochMilliSeconds', () => {
    expect(util.time.parseISO8601ToEpochMilliSeconds('2018-02-01T17:21:05.180+08:00')).toBe(1517476865180);
    expect(util.time.parseISO8601ToEpochMilliSeconds('2018-02-01T09:21:05.180Z')).toBe(1517476865180);
    expect(util.time.parseISO8601ToEpochMilliSeconds('2018-02-01T17:21:05.18+08:00[Asia/Shanghai]')).toBe(
      1517476865180,
    );
  });
});

describe('util.time — clock readings', () => {
  it('nowISO8601 is UTC with milliseconds; epoch readings agree', () => {
    expect(fixed.nowISO8601()).toBe('2018-02-06T19:01:35.750Z');
    expect(fixed.nowEpochSeconds()).toBe(1517943695);
    expect(fixed.nowEpochMilliSeconds()).toBe(DOC_INSTANT);
    const before = Date.now();
    const now = util.time.nowEpochMilliSeconds();
    expect(now).toBeGreaterThanOrEqual(before);
    expect(util.time.nowISO8601()).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  });
});

describe('util.time — DateTimeFormatter patterns', () => {
  const format = (pattern: string, zone?: string): string =>
    util.time.epochMilliSecondsToFormatted(DOC_INSTANT, pattern, zone as string);

  it('prints quoted literals, fractions and ISO offsets', () => {
    expect(format("yyyy-MM-dd'T'HH:mm:ss.SSSXXX")).toBe('2018-02-06T19:01:35.750Z');
    expect(format("yyyy-MM-dd'T'HH:mm:ss.SSSXXX", 'Asia/Kolkata')).toBe('2018-02-07T00:31:35.750+05:30');
    expect(format("yyyy-MM-dd'T'HH:mm:ssxx", 'America/New_York')).toBe('2018-02-06T14:01:35-0500');
    expect(format("'It''s' HH 'o''clock'")).toBe("It's 19 o'clock");
    expect(format('SS S')).toBe('75 7');
  });

  it('prints text fields in English and 12-hour clocks', () => {
    expect(format('EEE, dd MMM yyyy hh:mm a')).toBe('Tue, 06 Feb 2018 07:01 PM');
    expect(format('EEEE d MMMM yy, D')).toBe('Tuesday 6 February 18, 37');
    expect(format('z', 'America/New_York')).toBe('EST');
    expect(format('z')).toBe('UTC');
    expect(format('VV ZZZZ ZZZZZ O', 'Asia/Kolkata')).toBe('Asia/Kolkata GMT+05:30 +05:30 GMT+5:30');
    expect(format('Q QQQ', 'UTC')).toBe('1 Q1');
  });

  it('prints YYYY as the (US) week-based year', () => {
    const at = (iso: string, pattern: string): string =>
      util.time.epochMilliSecondsToFormatted(Date.parse(iso), pattern);
    expect(at('2021-12-26T12:00:00Z', 'YYYY yyyy w')).toBe('2022 2021 1');
    expect(at('2020-12-31T12:00:00Z', 'YYYY yyyy')).toBe('2021 2020');
    expect(at('2021-01-01T12:00:00Z', 'YYYY')).toBe('2021');
    expect(at('2021-06-15T12:00:00Z', 'YYYY ww')).toBe('2021 25');
  });

  it('uses zone rules for summer time and fixed offsets', () => {
    const july = Date.parse('2018-07-01T12:00:00Z');
    expect(util.time.epochMilliSecondsToFormatted(july, 'HH:mm Z z', 'America/New_York')).toBe('08:00 -0400 EDT');
    expect(util.time.epochMilliSecondsToFormatted(july, 'HH:mm XXX', '+09:30')).toBe('21:30 +09:30');
    expect(util.time.epochMilliSecondsToFormatted(july, 'HH:mm XXX', 'UTC-3')).toBe('09:00 -03:00');
  });

  it('rejects unknown zones and unsupported pattern letters', () => {
    expect(thrown(() => format('yyyy', 'Mars/Olympus_Mons'))).toBeInstanceOf(UtilArgumentError);
    expect(thrown(() => format('yyyy', 'america/new_york'))).toBeInstanceOf(UtilArgumentError);
    expect(thrown(() => format('yyyy-MM-dd b'))).toBeInstanceOf(UtilArgumentError);
    expect(thrown(() => format('ddd'))).toBeInstanceOf(UtilArgumentError);
    expect(thrown(() => format("yyyy 'open"))).toBeInstanceOf(UtilArgumentError);
  });
});

describe('util.time — parsing', () => {
  const parse = (text: string, pattern: string, zone?: string): number =>
    util.time.parseFormattedToEpochMilliSeconds(text, pattern, zone as string);

  it('reads offsets in every form', () => {
    const expected = Date.parse('2018-02-01T09:21:05Z');
    expect(parse('2018-02-01T17:21:05+08:00', "yyyy-MM-dd'T'HH:mm:ssXXX")).toBe(expected);
    expect(parse('2018-02-01T09:21:05Z', "yyyy-MM-dd'T'HH:mm:ssXXX")).toBe(expected);
    expect(parse('20180201 172105 +0800', 'yyyyMMdd HHmmss Z')).toBe(expected);
    expect(parse('2018-02-01 17:21:05 GMT+08:00', 'yyyy-MM-dd HH:mm:ss ZZZZ')).toBe(expected);
    expect(parse('2018-02-01 17:21:05 Asia/Shanghai', 'yyyy-MM-dd HH:mm:ss VV')).toBe(expected);
  });

  it('reads month names, 12-hour clocks and day-of-year, defaulting the time to midnight', () => {
    expect(parse('Thu, 01 Feb 2018 05:21:05 PM', 'EEE, dd MMM yyyy hh:mm:ss a', 'Asia/Shanghai')).toBe(
      Date.parse('2018-02-01T09:21:05Z'),
    );
    expect(parse('2018-032', 'yyyy-DDD', 'UTC')).toBe(Date.parse('2018-02-01T00:00:00Z'));
    expect(parse('1 February 2018', 'd MMMM yyyy', 'UTC')).toBe(Date.parse('2018-02-01T00:00:00Z'));
  });

  it('resolves summer-time gaps forward and overlaps to the earlier instant, as java.time', () => {
    expect(parse('2021-03-14 02:30', 'yyyy-MM-dd HH:mm', 'America/New_York')).toBe(Date.parse('2021-03-14T07:30:00Z'));
    expect(parse('2021-11-07 01:30', 'yyyy-MM-dd HH:mm', 'America/New_York')).toBe(Date.parse('2021-11-07T05:30:00Z'));
  });

  it('round-trips with formatting', () => {
    const pattern = "yyyy-MM-dd'T'HH:mm:ss.SSSZ";
    const text = util.time.epochMilliSecondsToFormatted(DOC_INSTANT, pattern, 'Europe/Paris');
    expect(text).toBe('2018-02-06T20:01:35.750+0100');
    expect(parse(text, pattern)).toBe(DOC_INSTANT);
  });

  it('rejects text without a zone, mismatched text and week-based years', () => {
    expect(thrown(() => parse('2018-02-01 17:21:05', 'yyyy-MM-dd HH:mm:ss'))).toBeInstanceOf(UtilArgumentError);
    expect(thrown(() => parse('2018/02/01', 'yyyy-MM-dd', 'UTC'))).toBeInstanceOf(UtilArgumentError);
    expect(thrown(() => parse('2018-13-01', 'yyyy-MM-dd', 'UTC'))).toBeInstanceOf(UtilArgumentError);
    expect(thrown(() => parse('2018-02-01', 'YYYY-MM-dd', 'UTC'))).toBeInstanceOf(UtilArgumentError);
    expect(thrown(() => util.time.parseISO8601ToEpochMilliSeconds('2018-02-30T00:00:00Z'))).toBeInstanceOf(
      UtilArgumentError,
    );
    expect(thrown(() => util.time.epochMilliSecondsToISO8601('soon' as unknown as number))).toBeInstanceOf(
      UtilArgumentError,
    );
  });
});

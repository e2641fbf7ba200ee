/**
 * `util.time`: timestamps, formatting and parsing with Java `DateTimeFormatter` patterns and IANA zone ids.
 *
 * Pattern letters (formatting and parsing): `G y u Y M L d D E a h K k H m s S n Q w VV z Z X x O`, quoted
 * literals (`'T'`, `''`), optional sections `[…]`. Text is English (`Locale.US`); `Y`/`w` use US week rules (weeks
 * start on Sunday, week 1 contains 1 January). Zones: IANA ids (via `Intl`), `Z`, `UTC`/`GMT`/`UT`, and offsets
 * such as `+08:00` or `UTC+8`. Short zone names (`z`) come from ICU's English data and can differ from Java's
 * (e.g. `GMT+8` where Java prints `AWST`).
 */
import { UtilArgumentError } from './errors.js';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/** A time zone as the formatter needs it. */
interface TimeZone {
  readonly id: string;
  /** Offset from UTC in milliseconds at the instant. */
  offsetAt(epochMs: number): number;
  zoneName(epochMs: number, style: 'short' | 'long'): string;
}

function fixedZone(id: string, offsetMs: number): TimeZone {
  return { id, offsetAt: () => offsetMs, zoneName: () => id };
}

const UTC_ZONE: TimeZone = {
  id: 'UTC',
  offsetAt: () => 0,
  zoneName: (_ms, style) => (style === 'short' ? 'UTC' : 'Coordinated Universal Time'),
};

/** Parses `+h`, `+hh`, `+hh:mm`, `+hhmm`, `+hh:mm:ss`, `+hhmmss` into milliseconds; null when not an offset. */
function parseOffsetDigits(text: string): number | null {
  const match = /^([+-])(\d{1,2})(?::?(\d{2})(?::?(\d{2}))?)?$/.exec(text);
  if (match === null) return null;
  const [, sign, hours, minutes, seconds] = match;
  const total = Number(hours) * HOUR_MS + Number(minutes ?? 0) * MINUTE_MS + Number(seconds ?? 0) * 1000;
  if (Number(hours) > 18 || Number(minutes ?? 0) > 59 || Number(seconds ?? 0) > 59) return null;
  return sign === '-' ? -total : total;
}

/** The Java `ZoneOffset` id of an offset: `Z`, `+08:00`, `-03:30`, `+05:30:15`. */
function offsetId(offsetMs: number): string {
  if (offsetMs === 0) return 'Z';
  const abs = Math.abs(offsetMs);
  const hours = Math.floor(abs / HOUR_MS);
  const minutes = Math.floor((abs % HOUR_MS) / MINUTE_MS);
  const seconds = Math.floor((abs % MINUTE_MS) / 1000);
  const base = `${offsetMs < 0 ? '-' : '+'}${pad(hours, 2)}:${pad(minutes, 2)}`;
  return seconds === 0 ? base : `${base}:${pad(seconds, 2)}`;
}

const ianaZones = new Map<string, TimeZone>();

function ianaZone(id: string): TimeZone | null {
  const cached = ianaZones.get(id);
  if (cached !== undefined) return cached;
  let wallClock: Intl.DateTimeFormat;
  try {
    wallClock = new Intl.DateTimeFormat('en-US', {
      timeZone: id,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  } catch {
    return null;
  }
  // Intl accepts any letter case; java.time does not.
  const resolved = wallClock.resolvedOptions().timeZone;
  if (resolved !== id && resolved.toLowerCase() === id.toLowerCase()) return null;
  const names = {
    short: new Intl.DateTimeFormat('en-US', { timeZone: id, timeZoneName: 'short' }),
    long: new Intl.DateTimeFormat('en-US', { timeZone: id, timeZoneName: 'long' }),
  };
  const zone: TimeZone = {
    id,
    offsetAt(epochMs) {
      const second = Math.floor(epochMs / 1000) * 1000;
      const parts: Record<string, string> = {};
      for (const part of wallClock.formatToParts(second)) parts[part.type] = part.value;
      const year = parts.era === 'BC' ? 1 - Number(parts.year) : Number(parts.year);
      const wall = utcMillis(year, Number(parts.month), Number(parts.day), Number(parts.hour), Number(parts.minute));
      return wall + Number(parts.second) * 1000 - second;
    },
    zoneName(epochMs, style) {
      return names[style].formatToParts(epochMs).find((part) => part.type === 'timeZoneName')?.value ?? id;
    },
  };
  ianaZones.set(id, zone);
  return zone;
}

/** Resolves a Java `ZoneId` string. */
function resolveZone(id: unknown, functionName: string): TimeZone {
  if (typeof id !== 'string' || id === '')
    throw new UtilArgumentError(functionName, 'the time zone must be a non-empty string');
  if (id === 'Z') return fixedZone('Z', 0);
  if (id === 'UTC') return UTC_ZONE;
  if (id === 'GMT' || id === 'UT') return { ...UTC_ZONE, id, zoneName: () => id };
  const offset = parseOffsetDigits(id);
  if (offset !== null) return fixedZone(offsetId(offset), offset);
  const prefixed = /^(UTC|GMT|UT)([+-].*)$/.exec(id);
  if (prefixed !== null) {
    const prefixedOffset = parseOffsetDigits(prefixed[2] ?? '');
    if (prefixedOffset !== null) return fixedZone(`${prefixed[1] ?? ''}${offsetId(prefixedOffset)}`, prefixedOffset);
  }
  const zone = /^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(id) ? ianaZone(id) : null;
  if (zone === null) throw new UtilArgumentError(functionName, `Unknown time-zone ID: ${id}`);
  return zone;
}

/** Epoch milliseconds of a UTC wall time (years 0–99 are not shifted to 19xx). */
function utcMillis(
  year: number,
  month: number,
  day: number,
  hour = 0,
  minute = 0,
  second = 0,
  millisecond = 0,
): number {
  const date = new Date(Date.UTC(2000, month - 1, day, hour, minute, second, millisecond));
  date.setUTCFullYear(year, month - 1, day);
  return date.getTime();
}

/** The instant of a local wall time in a zone: the earlier one in an overlap, shifted forward in a gap (as Java). */
function localToEpoch(wallMs: number, zone: TimeZone): number {
  const before = zone.offsetAt(wallMs - DAY_MS);
  const after = zone.offsetAt(wallMs + DAY_MS);
  const valid = [before, after].filter((offset) => zone.offsetAt(wallMs - offset) === offset).map((o) => wallMs - o);
  if (valid.length > 0) return Math.min(...valid);
  return wallMs - before;
}

interface WallTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly millisecond: number;
  /** 1 = Monday … 7 = Sunday */
  readonly dayOfWeek: number;
  readonly dayOfYear: number;
}

function wallTime(epochMs: number, offsetMs: number): WallTime {
  const date = new Date(epochMs + offsetMs);
  const year = date.getUTCFullYear();
  return {
    year,
    month: date.getUTCMonth() + 1,
    day: date.getUTCDate(),
    hour: date.getUTCHours(),
    minute: date.getUTCMinutes(),
    second: date.getUTCSeconds(),
    millisecond: date.getUTCMilliseconds(),
    dayOfWeek: date.getUTCDay() === 0 ? 7 : date.getUTCDay(),
    dayOfYear: Math.floor((date.getTime() - utcMillis(year, 1, 1)) / DAY_MS) + 1,
  };
}

/** US week rules: weeks run Sunday–Saturday and week 1 is the one containing 1 January. */
function usWeekFields(wall: WallTime): { weekYear: number; week: number } {
  const sundayOffset = wall.dayOfWeek % 7;
  const day = utcMillis(wall.year, wall.month, wall.day);
  const saturday = new Date(day + (6 - sundayOffset) * DAY_MS);
  const weekYear = saturday.getUTCFullYear();
  const firstSunday = utcMillis(weekYear, 1, 1) - new Date(utcMillis(weekYear, 1, 1)).getUTCDay() * DAY_MS;
  return { weekYear, week: Math.floor((day - firstSunday) / (7 * DAY_MS)) + 1 };
}

function pad(value: number, width: number): string {
  const digits = String(Math.abs(value)).padStart(width, '0');
  return value < 0 ? `-${digits}` : digits;
}

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const QUARTERS = ['1st quarter', '2nd quarter', '3rd quarter', '4th quarter'];

type PatternToken =
  | { readonly kind: 'literal'; readonly text: string }
  | { readonly kind: 'field'; readonly letter: string; readonly count: number }
  | { readonly kind: 'optionalStart' }
  | { readonly kind: 'optionalEnd' };

/** Largest letter count each supported pattern letter accepts. */
const MAX_COUNT: Readonly<Record<string, number>> = {
  G: 5,
  y: 19,
  u: 19,
  Y: 19,
  M: 5,
  L: 5,
  d: 2,
  D: 3,
  E: 5,
  a: 1,
  h: 2,
  K: 2,
  k: 2,
  H: 2,
  m: 2,
  s: 2,
  S: 9,
  n: 9,
  Q: 4,
  w: 2,
  V: 2,
  z: 4,
  Z: 5,
  X: 5,
  x: 5,
  O: 4,
};

const parsedPatterns = new Map<string, readonly PatternToken[]>();
const PARSED_PATTERN_CACHE_LIMIT = 500;

function parsePattern(pattern: unknown, functionName: string): readonly PatternToken[] {
  if (typeof pattern !== 'string') throw new UtilArgumentError(functionName, 'the format must be a string');
  const cached = parsedPatterns.get(pattern);
  if (cached !== undefined) return cached;
  const fail = (problem: string): never => {
    throw new UtilArgumentError(functionName, `${problem} in pattern ${JSON.stringify(pattern)}`);
  };
  const tokens: PatternToken[] = [];
  let depth = 0;
  let i = 0;
  while (i < pattern.length) {
    const ch = pattern.charAt(i);
    if (/[A-Za-z]/.test(ch)) {
      let count = 1;
      while (pattern.charAt(i + count) === ch) count += 1;
      const max = MAX_COUNT[ch];
      if (max === undefined) fail(`Unsupported pattern letter '${ch}'`);
      if (count > (max ?? 0) || (ch === 'V' && count !== 2) || (ch === 'O' && count !== 1 && count !== 4)) {
        fail(`Invalid pattern letter count ${count} for '${ch}'`);
      }
      tokens.push({ kind: 'field', letter: ch, count });
      i += count;
    } else if (ch === "'") {
      if (pattern.charAt(i + 1) === "'") {
        tokens.push({ kind: 'literal', text: "'" });
        i += 2;
        continue;
      }
      let text = '';
      i += 1;
      for (;;) {
        if (i >= pattern.length) fail('Pattern ends with an incomplete string literal');
        if (pattern.charAt(i) === "'") {
          if (pattern.charAt(i + 1) !== "'") break;
          text += "'";
          i += 2;
        } else {
          text += pattern.charAt(i);
          i += 1;
        }
      }
      i += 1;
      tokens.push({ kind: 'literal', text });
    } else if (ch === '[') {
      depth += 1;
      tokens.push({ kind: 'optionalStart' });
      i += 1;
    } else if (ch === ']') {
      if (depth === 0) fail('Pattern invalid as it contains ] without previous [');
      depth -= 1;
      tokens.push({ kind: 'optionalEnd' });
      i += 1;
    } else if (ch === '{' || ch === '}' || ch === '#') {
      fail(`Pattern includes reserved character '${ch}'`);
    } else {
      tokens.push({ kind: 'literal', text: ch });
      i += 1;
    }
  }
  while (depth > 0) {
    tokens.push({ kind: 'optionalEnd' });
    depth -= 1;
  }
  if (parsedPatterns.size >= PARSED_PATTERN_CACHE_LIMIT) parsedPatterns.clear();
  parsedPatterns.set(pattern, tokens);
  return tokens;
}

function formatOffset(offsetMs: number, letter: string, count: number): string {
  const abs = Math.abs(offsetMs);
  const sign = offsetMs < 0 ? '-' : '+';
  const hh = pad(Math.floor(abs / HOUR_MS), 2);
  const mm = pad(Math.floor((abs % HOUR_MS) / MINUTE_MS), 2);
  const ss = pad(Math.floor((abs % MINUTE_MS) / 1000), 2);
  const minutes = mm !== '00' ? mm : '';
  const seconds = ss !== '00' ? ss : '';
  if (letter === 'O') {
    if (offsetMs === 0) return 'GMT';
    if (count === 4) return `GMT${sign}${hh}:${mm}${seconds === '' ? '' : `:${ss}`}`;
    return `GMT${sign}${Math.floor(abs / HOUR_MS)}${minutes === '' && seconds === '' ? '' : `:${mm}`}${
      seconds === '' ? '' : `:${ss}`
    }`;
  }
  if (letter === 'Z') {
    if (count <= 3) return `${sign}${hh}${mm}`;
    if (count === 4) return offsetMs === 0 ? 'GMT' : `GMT${sign}${hh}:${mm}${seconds === '' ? '' : `:${ss}`}`;
    return offsetMs === 0 ? 'Z' : `${sign}${hh}:${mm}${seconds === '' ? '' : `:${ss}`}`;
  }
  // X and x: X writes 'Z' for a zero offset.
  if (letter === 'X' && offsetMs === 0) return 'Z';
  switch (count) {
    case 1:
      return `${sign}${hh}${minutes}`;
    case 2:
      return `${sign}${hh}${mm}`;
    case 3:
      return `${sign}${hh}:${mm}`;
    case 4:
      return `${sign}${hh}${mm}${seconds}`;
    default:
      return `${sign}${hh}:${mm}${seconds === '' ? '' : `:${ss}`}`;
  }
}

function formatYear(year: number, count: number): string {
  if (count === 2) return pad(((year % 100) + 100) % 100, 2);
  const text = pad(year, count);
  return count >= 4 && year > 9999 ? `+${text}` : text;
}

function formatText(names: readonly string[], index: number, count: number, shortAt = 3): string {
  const name = names[index] ?? '';
  if (count === 5) return name.charAt(0);
  return count >= 4 ? name : name.slice(0, shortAt);
}

function formatField(
  letter: string,
  count: number,
  epochMs: number,
  wall: WallTime,
  zone: TimeZone,
  offsetMs: number,
): string {
  const number = (value: number): string => pad(value, count);
  switch (letter) {
    case 'G':
      return count === 4 ? 'Anno Domini' : count === 5 ? 'A' : 'AD';
    case 'y':
    case 'u':
      return formatYear(wall.year, count);
    case 'Y':
      return formatYear(usWeekFields(wall).weekYear, count);
    case 'M':
    case 'L':
      return count <= 2 ? number(wall.month) : formatText(MONTHS, wall.month - 1, count);
    case 'd':
      return number(wall.day);
    case 'D':
      return number(wall.dayOfYear);
    case 'E':
      return formatText(DAYS, wall.dayOfWeek - 1, count);
    case 'a':
      return wall.hour < 12 ? 'AM' : 'PM';
    case 'h':
      return number(wall.hour % 12 === 0 ? 12 : wall.hour % 12);
    case 'K':
      return number(wall.hour % 12);
    case 'k':
      return number(wall.hour === 0 ? 24 : wall.hour);
    case 'H':
      return number(wall.hour);
    case 'm':
      return number(wall.minute);
    case 's':
      return number(wall.second);
    case 'S':
      return pad(wall.millisecond, 3).padEnd(9, '0').slice(0, count);
    case 'n':
      return String(wall.millisecond * 1_000_000);
    case 'Q': {
      const quarter = Math.floor((wall.month - 1) / 3);
      if (count <= 2) return number(quarter + 1);
      return count === 3 ? `Q${quarter + 1}` : QUARTERS[quarter] ?? '';
    }
    case 'w':
      return number(usWeekFields(wall).week);
    case 'V':
      return zone.id;
    case 'z':
      return zone.zoneName(epochMs, count === 4 ? 'long' : 'short');
    default:
      return formatOffset(offsetMs, letter, count);
  }
}

function requireEpochMillis(value: unknown, functionName: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new UtilArgumentError(functionName, 'the epoch milliseconds must be a finite number');
  }
  return Math.trunc(value);
}

/** Formats an instant with a Java pattern in a zone (UTC by default). */
export function formatEpochMillis(epochMs: unknown, pattern: unknown, timezone: unknown, functionName: string): string {
  const ms = requireEpochMillis(epochMs, functionName);
  const tokens = parsePattern(pattern, functionName);
  const zone = timezone == null ? UTC_ZONE : resolveZone(timezone, functionName);
  const offsetMs = zone.offsetAt(ms);
  const wall = wallTime(ms, offsetMs);
  let out = '';
  for (const token of tokens) {
    if (token.kind === 'literal') out += token.text;
    else if (token.kind === 'field') out += formatField(token.letter, token.count, ms, wall, zone, offsetMs);
  }
  return out;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

function alternation(names: readonly string[]): string {
  return `(${[...names]
    .sort((a, b) => b.length - a.length)
    .map(escapeRegExp)
    .join('|')})`;
}

/** The regular expression a field matches when parsing. */
function fieldExpression(letter: string, count: number): string {
  const digits = (min: number, max: number): string => `(\\d{${min},${max}})`;
  switch (letter) {
    case 'G':
      return '(AD|BC|Anno Domini|Before Christ|A|B)';
    case 'y':
    case 'u':
    case 'Y':
      if (count === 2) return '(\\d{2})';
      return count === 1 ? '([+-]?\\d{1,10})' : `([+-]?\\d{${count},10})`;
    case 'M':
    case 'L':
      if (count === 3) return alternation(MONTHS.map((m) => m.slice(0, 3)));
      if (count === 4) return alternation(MONTHS);
      if (count === 5) return alternation(MONTHS.map((m) => m.charAt(0)));
      return count === 1 ? digits(1, 2) : digits(2, 2);
    case 'D':
      return digits(count, 3);
    case 'E':
      return count === 4 ? alternation(DAYS) : count === 5 ? '([A-Z])' : alternation(DAYS.map((d) => d.slice(0, 3)));
    case 'a':
      return '(AM|PM)';
    case 'S':
      return digits(count, count);
    case 'n':
      return digits(1, 9);
    case 'Q':
      return count === 3 ? '(Q[1-4])' : count === 4 ? alternation(QUARTERS) : digits(count, 1);
    case 'V':
    case 'z':
      return '([A-Za-z][A-Za-z0-9_+\\-/:]*)';
    case 'Z':
      if (count <= 3) return '([+-]\\d{4})';
      return count === 4 ? '(GMT(?:[+-]\\d{2}:\\d{2})?)' : '(Z|[+-]\\d{2}:\\d{2})';
    case 'O':
      return count === 4 ? '(GMT(?:[+-]\\d{2}:\\d{2})?)' : '(GMT(?:[+-]\\d{1,2}(?::\\d{2})?)?)';
    case 'X':
    case 'x': {
      const zero = letter === 'X' ? 'Z|' : '';
      const forms = [
        '[+-]\\d{2}(?:\\d{2})?',
        '[+-]\\d{4}',
        '[+-]\\d{2}:\\d{2}',
        '[+-]\\d{4}(?:\\d{2})?',
        '[+-]\\d{2}:\\d{2}(?::\\d{2})?',
      ];
      return `(${zero}${forms[count - 1] ?? ''})`;
    }
    default:
      return count === 1 ? digits(1, 2) : digits(count, count);
  }
}

/** The offset written by an offset field (`Z`, `X`, `x`, `O`) in milliseconds. */
function parsedOffset(text: string): number | null {
  if (text === 'Z' || text === 'GMT') return 0;
  const bare = text.startsWith('GMT') ? text.slice(3) : text;
  const compact = /^([+-])(\d{2})(\d{2})(\d{2})?$/.exec(bare);
  if (compact !== null)
    return parseOffsetDigits(
      `${compact[1] ?? ''}${compact[2] ?? ''}:${compact[3] ?? ''}${compact[4] === undefined ? '' : `:${compact[4]}`}`,
    );
  return parseOffsetDigits(bare);
}

/**
 * Parses text with a Java pattern to epoch milliseconds. The zone comes from the text (an offset or zone field),
 * else from `timezone`; with neither, the text is ambiguous and rejected (as AppSync's two-argument form requires a
 * zone in the pattern). Missing time fields default to midnight; a missing date is an error.
 */
export function parseToEpochMillis(text: unknown, pattern: unknown, timezone: unknown, functionName: string): number {
  if (typeof text !== 'string') throw new UtilArgumentError(functionName, 'the timestamp must be a string');
  const tokens = parsePattern(pattern, functionName);
  const fields: { letter: string; count: number }[] = [];
  let source = '';
  for (const token of tokens) {
    if (token.kind === 'literal') source += escapeRegExp(token.text);
    else if (token.kind === 'optionalStart') source += '(?:';
    else if (token.kind === 'optionalEnd') source += ')?';
    else {
      fields.push(token);
      source += fieldExpression(token.letter, token.count);
    }
  }
  const match = new RegExp(`^${source}$`).exec(text);
  const unparsable = (problem = 'could not be parsed'): never => {
    throw new UtilArgumentError(functionName, `Text '${text}' ${problem} with pattern ${JSON.stringify(pattern)}`);
  };
  if (match === null) return unparsable();
  const values = new Map<string, string>();
  fields.forEach((field, index) => {
    const value = match[index + 1];
    if (value !== undefined) values.set(field.letter === 'L' ? 'M' : field.letter === 'u' ? 'y' : field.letter, value);
  });
  const count = (letter: string): number => fields.find((f) => f.letter === letter)?.count ?? 0;

  const yearText = values.get('y');
  if (yearText === undefined) {
    return unparsable(
      values.has('Y') ? 'has a week-based year but no year-of-era (use yyyy, not YYYY, to parse)' : 'has no year',
    );
  }
  let year = count('y') === 2 || count('u') === 2 ? 2000 + Number(yearText) : Number(yearText);
  if (values.get('G') === 'BC' || values.get('G') === 'Before Christ' || values.get('G') === 'B') year = 1 - year;

  let month: number;
  let day: number;
  const monthText = values.get('M');
  if (monthText !== undefined) {
    month = /^\d+$/.test(monthText) ? Number(monthText) : MONTHS.findIndex((m) => m.startsWith(monthText)) + 1;
    const dayText = values.get('d');
    if (dayText === undefined) return unparsable('has no day-of-month');
    day = Number(dayText);
    if (month < 1 || month > 12 || day < 1 || day > 31) return unparsable();
    const monthLength = new Date(utcMillis(year, month + 1, 1) - DAY_MS).getUTCDate();
    day = Math.min(day, monthLength);
  } else {
    const dayOfYear = values.get('D');
    if (dayOfYear === undefined) return unparsable('has no month or day-of-year');
    const date = new Date(utcMillis(year, 1, 1) + (Number(dayOfYear) - 1) * DAY_MS);
    if (Number(dayOfYear) < 1 || date.getUTCFullYear() !== year) return unparsable();
    month = date.getUTCMonth() + 1;
    day = date.getUTCDate();
  }

  let hour = Number(values.get('H') ?? values.get('k') ?? 0);
  if (values.has('k') && hour === 24) hour = 0;
  const twelveHour = values.get('h') ?? values.get('K');
  if (twelveHour !== undefined) {
    hour = (Number(twelveHour) % 12) + (values.get('a') === 'PM' ? 12 : 0);
  }
  const minute = Number(values.get('m') ?? 0);
  const second = Number(values.get('s') ?? 0);
  const fraction = values.get('S') ?? (values.has('n') ? pad(Number(values.get('n')), 9) : '0');
  const millisecond = Number(fraction.padEnd(3, '0').slice(0, 3));
  const endOfDay = hour === 24 && minute === 0 && second === 0 && millisecond === 0;
  if ((hour > 23 && !endOfDay) || minute > 59 || second > 59) return unparsable();
  const wallMs = utcMillis(year, month, day, hour, minute, second, millisecond);

  for (const letter of ['Z', 'X', 'x', 'O']) {
    const offsetText = values.get(letter);
    if (offsetText === undefined) continue;
    const offset = parsedOffset(offsetText);
    if (offset === null) return unparsable();
    return wallMs - offset;
  }
  const zoneText = values.get('V') ?? values.get('z');
  if (zoneText !== undefined) return localToEpoch(wallMs, resolveZone(zoneText, functionName));
  if (timezone != null) return localToEpoch(wallMs, resolveZone(timezone, functionName));
  return unparsable('has no time zone (pass a timezone argument or put a zone in the pattern)');
}

const ISO_8601 =
  /^([+-]?\d{4,9})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?([Zz]|[+-]\d{2}(?::?\d{2}(?::?\d{2})?)?)?(?:\[([^\]]+)\])?$/;

/** Parses an ISO-8601 date-time (offset `Z`/`±hh:mm`, optional `[Zone/Id]`; no offset means UTC). */
export function parseIso8601ToEpochMillis(text: unknown, functionName: string): number {
  const match = typeof text === 'string' ? ISO_8601.exec(text) : null;
  if (match === null)
    throw new UtilArgumentError(functionName, `Text ${JSON.stringify(text)} is not an ISO-8601 timestamp`);
  const [, year, month, day, hour, minute, second, fraction, offset, zoneId] = match;
  const wallMs = utcMillis(
    Number(year),
    Number(month),
    Number(day),
    Number(hour ?? 0),
    Number(minute ?? 0),
    Number(second ?? 0),
    Number((fraction ?? '0').padEnd(3, '0').slice(0, 3)),
  );
  const check = new Date(wallMs);
  if (
    check.getUTCMonth() + 1 !== Number(month) ||
    check.getUTCDate() !== Number(day) ||
    Number(hour ?? 0) > 23 ||
    Number(minute ?? 0) > 59 ||
    Number(second ?? 0) > 59
  ) {
    throw new UtilArgumentError(functionName, `Text ${JSON.stringify(text)} is not a valid date-time`);
  }
  if (offset !== undefined) {
    const offsetMs = offset === 'Z' || offset === 'z' ? 0 : parsedOffset(offset);
    if (offsetMs === null)
      throw new UtilArgumentError(functionName, `Text ${JSON.stringify(text)} has an invalid offset`);
    return wallMs - offsetMs;
  }
  return zoneId === undefined ? wallMs : localToEpoch(wallMs, resolveZone(zoneId, functionName));
}

/** `util.time`, reading the clock through `now` (epoch milliseconds). */
export function createTimeUtils(now: () => number = Date.now) {
  return {
    /** UTC ISO-8601 with milliseconds, e.g. `2018-02-06T19:01:35.749Z`. */
    nowISO8601: (): string => new Date(now()).toISOString(),
    nowEpochSeconds: (): number => Math.floor(now() / 1000),
    nowEpochMilliSeconds: (): number => now(),
    nowFormatted: (format: string, timezone?: string): string =>
      formatEpochMillis(now(), format, timezone, 'util.time.nowFormatted'),
    parseFormattedToEpochMilliSeconds: (timestamp: string, format: string, timezone?: string): number =>
      parseToEpochMillis(timestamp, format, timezone, 'util.time.parseFormattedToEpochMilliSeconds'),
    parseISO8601ToEpochMilliSeconds: (timestamp: string): number =>
      parseIso8601ToEpochMillis(timestamp, 'util.time.parseISO8601ToEpochMilliSeconds'),
    epochMilliSecondsToSeconds: (milliseconds: number): number =>
      Math.trunc(requireEpochMillis(milliseconds, 'util.time.epochMilliSecondsToSeconds') / 1000),
    epochMilliSecondsToISO8601: (milliseconds: number): string =>
      new Date(requireEpochMillis(milliseconds, 'util.time.epochMilliSecondsToISO8601')).toISOString(),
    epochMilliSecondsToFormatted: (milliseconds: number, format: string, timezone?: string): string =>
      formatEpochMillis(milliseconds, format, timezone, 'util.time.epochMilliSecondsToFormatted'),
  };
}

/**
 * AppSync's own scalars (`AWSDate` … `AWSIPAddress`) with AppSync's validation rules.
 *
 * Rejections throw a `GraphQLError` whose reason follows AppSync's wording ("Unable to parse `x` as a valid date.").
 * graphql-js prefixes variable errors (`Variable "$v" got invalid value …; `); literal errors carry the prefix
 * graphql-js gives invalid literals (`Expected value of type "AWSDate", found …; `). The date and time grammar is
 * the one of `java.time`'s ISO formats that AppSync documents: negative years, a 1–9 digit fraction, offsets `Z` or
 * `±hh:mm[:ss]`.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { GraphQLError, GraphQLScalarType, Kind, print } from 'graphql';
import type { ValueNode } from 'graphql';

// Years beyond four digits need a sign, as in java.time's ISO formats.
const YEAR = String.raw`(-?\d{4}|[+-]\d{5,9})`;
const MONTH_DAY = String.raw`(\d{2})-(\d{2})`;
const TIME = String.raw`(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?`;
const OFFSET = String.raw`(Z|[+-]\d{2}:\d{2}(?::\d{2})?)`;

const DATE_PATTERN = new RegExp(String.raw`^${YEAR}-${MONTH_DAY}${OFFSET}?$`);
const TIME_PATTERN = new RegExp(String.raw`^${TIME}${OFFSET}?$`);
const DATE_TIME_PATTERN = new RegExp(String.raw`^${YEAR}-${MONTH_DAY}T${TIME}${OFFSET}$`);

const MAX_OFFSET_SECONDS = 18 * 3600;

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function isCalendarDate(year: string, month: string, day: string): boolean {
  const y = Number(year);
  const m = Number(month);
  const d = Number(day);
  if (m < 1 || m > 12 || d < 1) return false;
  const length = m === 2 ? (isLeapYear(y) ? 29 : 28) : m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
  return d <= length;
}

function isClockTime(hours: string, minutes: string, seconds: string | undefined): boolean {
  return Number(hours) <= 23 && Number(minutes) <= 59 && (seconds === undefined || Number(seconds) <= 59);
}

function isOffset(offset: string | undefined): boolean {
  if (offset === undefined || offset === 'Z') return true;
  const hours = Number(offset.slice(1, 3));
  const minutes = Number(offset.slice(4, 6));
  const seconds = offset.length > 6 ? Number(offset.slice(7, 9)) : 0;
  return minutes <= 59 && seconds <= 59 && hours * 3600 + minutes * 60 + seconds <= MAX_OFFSET_SECONDS;
}

/** `YYYY-MM-DD` with an optional offset, e.g. `1970-01-01`, `1970-01-01Z`, `-2017-05-01+05:30`. */
export function isAwsDate(value: string): boolean {
  const match = DATE_PATTERN.exec(value);
  return match !== null && isCalendarDate(match[1]!, match[2]!, match[3]!) && isOffset(match[4]);
}

/** `hh:mm[:ss[.fraction]]` with an optional offset, e.g. `12:30`, `12:00:00.123456789`, `12:30:24-07:00`. */
export function isAwsTime(value: string): boolean {
  const match = TIME_PATTERN.exec(value);
  return match !== null && isClockTime(match[1]!, match[2]!, match[3]) && isOffset(match[4]);
}

/** `YYYY-MM-DDThh:mm[:ss[.fraction]]` plus a compulsory offset, e.g. `1970-01-01T12:00:00.2Z`. */
export function isAwsDateTime(value: string): boolean {
  const match = DATE_TIME_PATTERN.exec(value);
  return (
    match !== null &&
    isCalendarDate(match[1]!, match[2]!, match[3]!) &&
    isClockTime(match[4]!, match[5]!, match[6]) &&
    isOffset(match[7])
  );
}

// RFC 822 addr-spec: a dot-atom or quoted local part; a dotted domain or a [domain literal].
const ATOM = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+";
const QUOTED_LOCAL = String.raw`"(?:[^"\\\r\n]|\\.)*"`;
const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?';
const DOMAIN_LITERAL = String.raw`\[[^\[\]\\\s]+\]`;
const EMAIL_PATTERN = new RegExp(
  String.raw`^(?:${ATOM}(?:\.${ATOM})*|${QUOTED_LOCAL})@(?:${LABEL}(?:\.${LABEL})*|${DOMAIN_LITERAL})$`,
);

/** `local-part@domain-part` (RFC 822), e.g. `username@example.com`, `a@b`. */
export function isAwsEmail(value: string): boolean {
  return EMAIL_PATTERN.test(value);
}

// Characters RFC 1738 calls unsafe, plus whitespace, never appear unencoded.
const URL_PATTERN = /^([A-Za-z][A-Za-z0-9+.-]*):([^\s<>"{}|\\^`]+)$/;
const AUTHORITY_PATTERN = /^(?:[^@]*@)?(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._~%!$&'()*+,;=-]+)(?::\d*)?$/;

/**
 * A URL with a scheme (`https://example.com/a`, `mailto:someone@example.com`, `http://localhost/`), and no `//`
 * inside its path.
 */
export function isAwsUrl(value: string): boolean {
  const match = URL_PATTERN.exec(value);
  if (match === null) return false;
  const rest = match[2]!;
  const queryStart = rest.search(/[?#]/);
  const hierarchical = queryStart === -1 ? rest : rest.slice(0, queryStart);
  let path = hierarchical;
  if (hierarchical.startsWith('//')) {
    const pathStart = hierarchical.indexOf('/', 2);
    const authority = pathStart === -1 ? hierarchical.slice(2) : hierarchical.slice(2, pathStart);
    // `file:///etc/hosts` is the one scheme commonly written with an empty authority.
    const emptyAllowed = authority === '' && match[1]!.toLowerCase() === 'file';
    if (!emptyAllowed && !AUTHORITY_PATTERN.test(authority)) return false;
    path = pathStart === -1 ? '' : hierarchical.slice(pathStart);
  }
  return !path.includes('//');
}

const PHONE_PATTERN = /^(\+?)(\d+(?:[ -]\d+)*)$/;
// North American Numbering Plan: area code and exchange start with 2–9.
const NANP_PATTERN = /^[2-9]\d{2}[2-9]\d{6}$/;

/**
 * Digit groups separated by single spaces or hyphens. With a leading `+` the number starts with a country code
 * (`+1` numbers must be valid NANP numbers; others need 7–15 digits, E.164). Without one it is a US number: ten
 * NANP digits, optionally preceded by `1`.
 */
export function isAwsPhone(value: string): boolean {
  const match = PHONE_PATTERN.exec(value);
  if (match === null) return false;
  const digits = match[2]!.replace(/[ -]/g, '');
  if (match[1] === '+') {
    if (digits.startsWith('1')) return NANP_PATTERN.test(digits.slice(1));
    return !digits.startsWith('0') && digits.length >= 7 && digits.length <= 15;
  }
  if (digits.length === 11 && digits.startsWith('1')) return NANP_PATTERN.test(digits.slice(1));
  return NANP_PATTERN.test(digits);
}

const PREFIX_LENGTH_PATTERN = /^\d{1,3}$/;

/** An IPv4 or IPv6 address with an optional CIDR prefix length: `127.0.0.1`, `127.0.0.1/8`, `::1/128`. */
export function isAwsIpAddress(value: string): boolean {
  const slash = value.indexOf('/');
  const address = slash === -1 ? value : value.slice(0, slash);
  // Zone ids (`fe80::1%eth0`) are not addresses on the wire.
  const maxPrefix = isIPv4(address) ? 32 : isIPv6(address) && !address.includes('%') ? 128 : -1;
  if (maxPrefix === -1) return false;
  if (slash === -1) return true;
  const prefix = value.slice(slash + 1);
  return PREFIX_LENGTH_PATTERN.test(prefix) && Number(prefix) <= maxPrefix;
}

/** The smallest and largest `AWSTimestamp` (AppSync's introspection description states these bounds). */
export const AWS_TIMESTAMP_MIN = -31557014167219200n;
export const AWS_TIMESTAMP_MAX = 31556889864403199n;

function isTimestampNumber(value: unknown): value is number {
  return (
    typeof value === 'number' &&
    Number.isInteger(value) &&
    value >= Number(AWS_TIMESTAMP_MIN) &&
    value <= Number(AWS_TIMESTAMP_MAX)
  );
}

function show(value: unknown): string {
  if (typeof value === 'string') return value;
  return JSON.stringify(value) ?? String(value);
}

function showLiteral(node: ValueNode): string {
  return node.kind === Kind.STRING ? node.value : print(node);
}

/** A literal's rejection, worded as graphql-js words input errors that carry no location of their own. */
function literalError(scalar: string, node: ValueNode, reason: string): GraphQLError {
  return new GraphQLError(`Expected value of type "${scalar}", found ${print(node)}; ${reason}`, { nodes: node });
}

/** A scalar whose wire form is a string that must satisfy `isValid`; the string itself is the value. */
function stringScalar(
  name: string,
  description: string,
  expected: string,
  isValid: (value: string) => boolean,
): GraphQLScalarType<string, string> {
  return new GraphQLScalarType<string, string>({
    name,
    description,
    serialize(output) {
      if (typeof output === 'string' && isValid(output)) return output;
      throw new GraphQLError(`Unable to serialize \`${show(output)}\` as ${expected}.`);
    },
    parseValue(input) {
      if (typeof input === 'string' && isValid(input)) return input;
      throw new GraphQLError(`Unable to parse \`${show(input)}\` as ${expected}.`);
    },
    parseLiteral(node) {
      if (node.kind === Kind.STRING && isValid(node.value)) return node.value;
      throw literalError(name, node, `Unable to parse \`${showLiteral(node)}\` as ${expected}.`);
    },
  });
}

const TIMESTAMP_HINT =
  "Ensure that the value provided is an Integer that lies within the limits specified in this scalar's description.";

/** Integer seconds since 1970-01-01T00:00Z; negative values allowed. */
const AWSTimestamp = new GraphQLScalarType<number, number>({
  name: 'AWSTimestamp',
  description:
    'Seconds since 1970-01-01T00:00Z as an integer (negative before it), from -31557014167219200 to 31556889864403199.',
  serialize(output) {
    if (isTimestampNumber(output)) return output;
    // Output coercion accepts an integer written as a string, like graphql-java's Int.
    if (typeof output === 'string' && /^-?\d+$/.test(output) && isTimestampNumber(Number(output))) {
      return Number(output);
    }
    throw new GraphQLError(`Unable to serialize \`${show(output)}\` as a valid timestamp. ${TIMESTAMP_HINT}`);
  },
  parseValue(input) {
    if (isTimestampNumber(input)) return input;
    throw new GraphQLError(`Unable to parse \`${show(input)}\` as a valid timestamp. ${TIMESTAMP_HINT}`);
  },
  parseLiteral(node) {
    if (node.kind === Kind.INT) {
      const exact = BigInt(node.value);
      if (exact >= AWS_TIMESTAMP_MIN && exact <= AWS_TIMESTAMP_MAX) return Number(node.value);
    }
    throw literalError(
      'AWSTimestamp',
      node,
      `Unable to parse \`${showLiteral(node)}\` as a valid timestamp. ${TIMESTAMP_HINT}`,
    );
  },
});

const NOT_JSON = Symbol('not JSON');

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return NOT_JSON;
  }
}

/**
 * A JSON text on the wire. Input is parsed, so resolvers see maps, lists and scalars. Output values are serialised
 * to a JSON string; a string that already is JSON text passes through unchanged (a payload serialised once, as for
 * subscriptions, is not encoded twice), and any other string is encoded as a JSON string.
 */
const AWSJSON = new GraphQLScalarType<unknown, string>({
  name: 'AWSJSON',
  description: 'A JSON text (RFC 8259). Input is parsed into maps, lists or scalars; output is serialised to a string.',
  serialize(output) {
    if (typeof output === 'string' && parseJson(output) !== NOT_JSON) return output;
    const text = JSON.stringify(output) as string | undefined;
    if (text !== undefined) return text;
    throw new GraphQLError(`Unable to serialize \`${show(output)}\` as valid JSON.`);
  },
  parseValue(input) {
    const value = typeof input === 'string' ? parseJson(input) : NOT_JSON;
    if (value !== NOT_JSON) return value;
    throw new GraphQLError(`Unable to parse \`${show(input)}\` as valid JSON.`);
  },
  parseLiteral(node) {
    const value = node.kind === Kind.STRING ? parseJson(node.value) : NOT_JSON;
    if (value !== NOT_JSON) return value;
    throw literalError('AWSJSON', node, `Unable to parse \`${showLiteral(node)}\` as valid JSON.`);
  },
});

const AWSDate = stringScalar(
  'AWSDate',
  'An extended ISO 8601 date, YYYY-MM-DD, optionally with a time zone offset (Z or ±hh:mm[:ss]).',
  'a valid date',
  isAwsDate,
);
const AWSTime = stringScalar(
  'AWSTime',
  'An extended ISO 8601 time, hh:mm[:ss[.fraction]], optionally with a time zone offset (Z or ±hh:mm[:ss]).',
  'a valid time',
  isAwsTime,
);
const AWSDateTime = stringScalar(
  'AWSDateTime',
  'An extended ISO 8601 date and time, YYYY-MM-DDThh:mm[:ss[.fraction]], with a compulsory offset (Z or ±hh:mm[:ss]).',
  'a valid DateTime Object',
  isAwsDateTime,
);
const AWSEmail = stringScalar(
  'AWSEmail',
  'An email address, local-part@domain-part (RFC 822).',
  'a valid email address',
  isAwsEmail,
);
const AWSURL = stringScalar('AWSURL', 'A URL with a scheme and no double slash in its path.', 'a valid URL', isAwsUrl);
const AWSPhone = stringScalar(
  'AWSPhone',
  'A phone number; groups may be separated by spaces or hyphens; without a country code it must be a US number.',
  'a valid phone number',
  isAwsPhone,
);
const AWSIPAddress = stringScalar(
  'AWSIPAddress',
  'An IPv4 or IPv6 address with an optional CIDR prefix length.',
  'a valid IP address',
  isAwsIpAddress,
);

/** Every AppSync scalar by name (a loaded schema holds copies with the same behaviour). */
export const awsScalarTypes: ReadonlyMap<string, GraphQLScalarType> = new Map<string, GraphQLScalarType>(
  [AWSDate, AWSTime, AWSDateTime, AWSTimestamp, AWSEmail, AWSJSON, AWSURL, AWSPhone, AWSIPAddress].map(
    (scalar): [string, GraphQLScalarType] => [scalar.name, scalar as GraphQLScalarType],
  ),
);

/**
 * `util.matches`: Java (`java.util.regex.Pattern`) regular expressions, translated to JavaScript `v`-mode regular
 * expressions and matched against the whole input (`Matcher.matches()`).
 *
 * Translated faithfully: Java's ASCII `\s`, `\h`, `\v`, `\R`, `\A`, `\z`, `\Z`, `$` (end or before a final line
 * terminator), `.` (no line terminators, `\u0085` included), POSIX and `java*` property classes, `\Q…\E`, octal
 * `\0nn`, `\x{…}`, nested classes and `&&` intersections, leading inline flags `(?imsxdu)`.
 * Approximated: possessive quantifiers and atomic groups `(?>…)` behave as their backtracking counterparts.
 * Rejected (no JavaScript equivalent): inline flags that change mid-pattern, `\G`, `\X`, `\N{…}`, Unicode blocks.
 */
import { UtilArgumentError } from './errors.js';

const FUNCTION_NAME = 'util.matches';

function unsupported(problem: string): UtilArgumentError {
  return new UtilArgumentError(FUNCTION_NAME, problem);
}

/** A code point written so that it is a literal in any `v`-mode context. */
function literal(codePoint: number): string {
  const ch = String.fromCodePoint(codePoint);
  return /^[A-Za-z0-9]$/.test(ch) ? ch : `\\u{${codePoint.toString(16)}}`;
}

function ranges(...pairs: [number, number][]): string {
  return pairs.map(([from, to]) => (from === to ? literal(from) : `${literal(from)}-${literal(to)}`)).join('');
}

// Java's predefined classes are ASCII-only unless UNICODE_CHARACTER_CLASS is set.
const JAVA_SPACE = ranges([0x09, 0x0d], [0x20, 0x20]);
const JAVA_HORIZONTAL_SPACE = ranges(
  [0x09, 0x09],
  [0x20, 0x20],
  [0xa0, 0xa0],
  [0x1680, 0x1680],
  [0x180e, 0x180e],
  [0x2000, 0x200a],
  [0x202f, 0x202f],
  [0x205f, 0x205f],
  [0x3000, 0x3000],
);
const JAVA_VERTICAL_SPACE = ranges([0x0a, 0x0d], [0x85, 0x85], [0x2028, 0x2029]);
const LINE_TERMINATORS = ranges([0x0a, 0x0a], [0x0d, 0x0d], [0x85, 0x85], [0x2028, 0x2029]);
const END_OF_INPUT = '(?![\\s\\S])';
/** Java's `$` and `\Z` without MULTILINE: end of input, or just before a line terminator that ends the input. */
const END_OR_BEFORE_FINAL_TERMINATOR = `(?=(?:\\r\\n|[${LINE_TERMINATORS}])?${END_OF_INPUT})`;

const POSIX_CLASSES: Readonly<Record<string, string>> = {
  Lower: ranges([0x61, 0x7a]),
  Upper: ranges([0x41, 0x5a]),
  ASCII: ranges([0x00, 0x7f]),
  Alpha: ranges([0x41, 0x5a], [0x61, 0x7a]),
  Digit: ranges([0x30, 0x39]),
  Alnum: ranges([0x30, 0x39], [0x41, 0x5a], [0x61, 0x7a]),
  Punct: ranges([0x21, 0x2f], [0x3a, 0x40], [0x5b, 0x60], [0x7b, 0x7e]),
  Graph: ranges([0x21, 0x7e]),
  Print: ranges([0x20, 0x7e]),
  Blank: ranges([0x09, 0x09], [0x20, 0x20]),
  Cntrl: ranges([0x00, 0x1f], [0x7f, 0x7f]),
  XDigit: ranges([0x30, 0x39], [0x41, 0x46], [0x61, 0x66]),
  Space: JAVA_SPACE,
};

const JAVA_CHARACTER_CLASSES: Readonly<Record<string, string>> = {
  javaLowerCase: '\\p{Lowercase}',
  javaUpperCase: '\\p{Uppercase}',
  javaWhitespace: '\\p{White_Space}',
  javaMirrored: '\\p{Bidi_Mirrored}',
  javaAlphabetic: '\\p{Alphabetic}',
  javaIdeographic: '\\p{Ideographic}',
  javaLetter: '\\p{L}',
  javaDigit: '\\p{Nd}',
  javaLetterOrDigit: '[\\p{L}\\p{Nd}]',
  javaTitleCase: '\\p{Lt}',
  javaSpaceChar: '\\p{Z}',
  javaISOControl: `[${ranges([0x00, 0x1f], [0x7f, 0x9f])}]`,
};

// `\p{IsXxx}` binary properties whose Java names differ from (or are missing in) JavaScript.
const JAVA_BINARY_PROPERTIES: Readonly<Record<string, string>> = {
  Letter: 'L',
  Punctuation: 'P',
  Control: 'Cc',
  Digit: 'Nd',
  Titlecase: 'Lt',
  WhiteSpace: 'White_Space',
  HexDigit: 'Hex_Digit',
  JoinControl: 'Join_Control',
  NoncharacterCodePoint: 'Noncharacter_Code_Point',
};

/** A `\p{…}` / `\P{…}` class as a `v`-mode class expression (usable inside and outside brackets). */
function propertyClass(name: string, negated: boolean): string {
  const posix = POSIX_CLASSES[name];
  if (posix !== undefined) return `[${negated ? '^' : ''}${posix}]`;
  const java = JAVA_CHARACTER_CLASSES[name];
  if (java !== undefined) return negated ? `[^${java}]` : java;
  const p = negated ? 'P' : 'p';
  if (name.startsWith('In') || /^(block|blk)=/i.test(name)) {
    throw unsupported(`Unicode blocks (\\p{${name}}) are not supported`);
  }
  const scriptOrCategory = /^(?:script|sc)=(.+)$/i.exec(name);
  if (scriptOrCategory?.[1] !== undefined) return `\\${p}{Script=${scriptOrCategory[1]}}`;
  const category = /^(?:general_category|gc)=(.+)$/i.exec(name);
  if (category?.[1] !== undefined) return `\\${p}{General_Category=${category[1]}}`;
  if (name.startsWith('Is')) {
    const bare = name.slice(2);
    const property = JAVA_BINARY_PROPERTIES[bare.replaceAll('_', '')] ?? bare;
    // A one- or two-letter name is a general category (IsLu); a known binary property stays; else a script (IsLatin).
    if (/^[A-Z][a-z]?$/.test(property) || isBinaryProperty(property)) return `\\${p}{${property}}`;
    return `\\${p}{Script=${property}}`;
  }
  return `\\${p}{${name}}`;
}

function isBinaryProperty(name: string): boolean {
  try {
    new RegExp(`\\p{${name}}`, 'v');
    return true;
  } catch {
    return false;
  }
}

type ClassAtom =
  | { readonly kind: 'char'; readonly codePoint: number }
  | { readonly kind: 'set'; readonly text: string };

interface Flags {
  caseInsensitive: boolean;
  multiline: boolean;
  dotAll: boolean;
  comments: boolean;
  unixLines: boolean;
}

/** Translates one Java pattern; `source` and `flags` build the equivalent JavaScript expression. */
class JavaPatternTranslator {
  private i = 0;
  private out = '';
  readonly flags: Flags = {
    caseInsensitive: false,
    multiline: false,
    dotAll: false,
    comments: false,
    unixLines: false,
  };

  constructor(private readonly pattern: string) {}

  translate(): string {
    while (this.i < this.pattern.length) this.translateNext();
    return this.out;
  }

  private peek(offset = 0): string {
    return this.pattern.charAt(this.i + offset);
  }

  private nextCodePoint(): number {
    const codePoint = this.pattern.codePointAt(this.i);
    if (codePoint === undefined) throw unsupported(`unexpected end of pattern ${JSON.stringify(this.pattern)}`);
    this.i += codePoint > 0xffff ? 2 : 1;
    return codePoint;
  }

  private translateNext(): void {
    const ch = this.peek();
    if (this.flags.comments && /\s/.test(ch)) {
      this.i += 1;
    } else if (this.flags.comments && ch === '#') {
      while (this.i < this.pattern.length && !/[\n\r]/.test(this.peek())) this.i += 1;
    } else if (ch === '\\') {
      this.translateEscape();
    } else if (ch === '[') {
      this.i += 1;
      this.out += this.translateClass();
    } else if (ch === '(') {
      this.translateGroupStart();
    } else if (ch === ')' || ch === '|') {
      this.out += ch;
      this.i += 1;
    } else if (ch === '.') {
      this.i += 1;
      if (this.flags.dotAll) this.out += '[\\s\\S]';
      else this.out += this.flags.unixLines ? '[^\\n]' : `[^${LINE_TERMINATORS}]`;
    } else if (ch === '^') {
      this.i += 1;
      this.out += '^';
    } else if (ch === '$') {
      this.i += 1;
      this.out += this.flags.multiline ? '$' : END_OR_BEFORE_FINAL_TERMINATOR;
    } else if (ch === '*' || ch === '+' || ch === '?') {
      this.i += 1;
      this.out += ch;
      this.translateQuantifierMode();
    } else if (ch === '{') {
      const bounds = /^\{(\d+)(,(\d*))?\}/.exec(this.pattern.slice(this.i));
      if (bounds === null) throw unsupported(`Illegal repetition near index ${this.i}`);
      this.i += bounds[0].length;
      this.out += bounds[0];
      this.translateQuantifierMode();
    } else {
      this.out += literal(this.nextCodePoint());
    }
  }

  /** A `?` after a quantifier makes it lazy (kept); a `+` makes it possessive (approximated as greedy). */
  private translateQuantifierMode(): void {
    if (this.peek() === '?') {
      this.out += '?';
      this.i += 1;
    } else if (this.peek() === '+') {
      this.i += 1;
    }
  }

  private translateGroupStart(): void {
    const rest = this.pattern.slice(this.i);
    const flagGroup = /^\(\?([idmsuxU]*)(?:-([idmsuxU]*))?([:)])/.exec(rest);
    if (flagGroup !== null && (flagGroup[1] !== '' || flagGroup[2] !== undefined)) {
      this.i += flagGroup[0].length;
      const changed = this.applyFlags(flagGroup[1] ?? '', flagGroup[2] ?? '', this.out === '' && flagGroup[3] === ')');
      if (changed) throw unsupported('inline flags are only supported at the start of the pattern');
      if (flagGroup[3] === ':') this.out += '(?:';
      return;
    }
    const prefix = /^\((\?(?::|=|!|<=|<!|>|<[A-Za-z][A-Za-z0-9]*>))?/.exec(rest);
    const opener = prefix?.[0] ?? '(';
    this.i += opener.length;
    this.out += opener === '(?>' ? '(?:' : opener;
  }

  /** Applies inline flags; at the pattern start they become the expression's flags. True when a later one changes them. */
  private applyFlags(on: string, off: string, atStart: boolean): boolean {
    const next: Flags = { ...this.flags };
    const set = (letters: string, value: boolean): void => {
      for (const letter of letters) {
        if (letter === 'i') next.caseInsensitive = value;
        else if (letter === 'm') next.multiline = value;
        else if (letter === 's') next.dotAll = value;
        else if (letter === 'x') next.comments = value;
        else if (letter === 'd') next.unixLines = value;
        // u (UNICODE_CASE) and U (UNICODE_CHARACTER_CLASS): JavaScript's `i` and classes are close enough.
      }
    };
    set(on, true);
    set(off, false);
    const changed = (Object.keys(next) as (keyof Flags)[]).some((k) => next[k] !== this.flags[k]);
    if (changed && !atStart) return true;
    Object.assign(this.flags, next);
    return false;
  }

  private translateEscape(): void {
    if (this.peek(1) === 'Q') {
      this.i += 2;
      for (const codePoint of this.readQuoted()) this.out += literal(codePoint);
      return;
    }
    this.i += 1;
    const ch = this.peek();
    const anchors: Readonly<Record<string, string>> = {
      b: '\\b',
      B: '\\B',
      A: '(?<![\\s\\S])',
      z: END_OF_INPUT,
      Z: END_OR_BEFORE_FINAL_TERMINATOR,
      R: `(?:\\r\\n|[${JAVA_VERTICAL_SPACE}])`,
    };
    const anchor = anchors[ch];
    if (anchor !== undefined) {
      this.i += 1;
      this.out += anchor;
      return;
    }
    if (/[1-9]/.test(ch)) {
      const digits = /^[1-9][0-9]*/.exec(this.pattern.slice(this.i))?.[0] ?? ch;
      this.i += digits.length;
      this.out += `\\${digits}`;
      return;
    }
    if (ch === 'k') {
      const name = /^k<([A-Za-z][A-Za-z0-9]*)>/.exec(this.pattern.slice(this.i));
      if (name === null) throw unsupported('\\k is not followed by <name>');
      this.i += name[0].length;
      this.out += `\\k<${name[1] ?? ''}>`;
      return;
    }
    if (ch === 'G' || ch === 'X' || ch === 'N') throw unsupported(`\\${ch} is not supported`);
    const atom = this.readEscapeAtom();
    this.out += atom.kind === 'char' ? literal(atom.codePoint) : atom.text;
  }

  /** Reads the characters of `\Q…\E` (the `\Q` already consumed). */
  private readQuoted(): number[] {
    const end = this.pattern.indexOf('\\E', this.i);
    const text = this.pattern.slice(this.i, end === -1 ? undefined : end);
    this.i = end === -1 ? this.pattern.length : end + 2;
    return Array.from(text, (c) => c.codePointAt(0) ?? 0);
  }

  /** Reads an escape valid both inside and outside classes (the backslash already consumed). */
  private readEscapeAtom(): ClassAtom {
    const ch = this.peek();
    this.i += 1;
    const set = (text: string): ClassAtom => ({ kind: 'set', text });
    const char = (codePoint: number): ClassAtom => ({ kind: 'char', codePoint });
    switch (ch) {
      case 'd':
      case 'D':
      case 'w':
      case 'W':
        return set(`\\${ch}`);
      case 's':
        return set(`[${JAVA_SPACE}]`);
      case 'S':
        return set(`[^${JAVA_SPACE}]`);
      case 'h':
        return set(`[${JAVA_HORIZONTAL_SPACE}]`);
      case 'H':
        return set(`[^${JAVA_HORIZONTAL_SPACE}]`);
      case 'v':
        return set(`[${JAVA_VERTICAL_SPACE}]`);
      case 'V':
        return set(`[^${JAVA_VERTICAL_SPACE}]`);
      case 'p':
      case 'P': {
        const braced = /^\{([^}]*)\}/.exec(this.pattern.slice(this.i));
        const name = braced?.[1] ?? this.peek();
        if (name === '') throw unsupported('empty character property name');
        this.i += braced?.[0].length ?? 1;
        return set(propertyClass(name, ch === 'P'));
      }
      case 't':
        return char(0x09);
      case 'n':
        return char(0x0a);
      case 'r':
        return char(0x0d);
      case 'f':
        return char(0x0c);
      case 'a':
        return char(0x07);
      case 'e':
        return char(0x1b);
      case '0': {
        const octal = /^(?:[0-3][0-7]{2}|[0-7]{1,2})/.exec(this.pattern.slice(this.i));
        if (octal === null) throw unsupported('Illegal octal escape sequence');
        this.i += octal[0].length;
        return char(Number.parseInt(octal[0], 8));
      }
      case 'x': {
        const hex = /^(?:([0-9A-Fa-f]{2})|\{([0-9A-Fa-f]+)\})/.exec(this.pattern.slice(this.i));
        if (hex === null) throw unsupported('Illegal hexadecimal escape sequence');
        this.i += hex[0].length;
        return char(Number.parseInt(hex[1] ?? hex[2] ?? '', 16));
      }
      case 'u': {
        const hex = /^[0-9A-Fa-f]{4}/.exec(this.pattern.slice(this.i));
        if (hex === null) throw unsupported('Illegal Unicode escape sequence');
        this.i += 4;
        let codePoint = Number.parseInt(hex[0], 16);
        const low = /^\\u([dD][c-fC-F][0-9A-Fa-f]{2})/.exec(this.pattern.slice(this.i));
        if (codePoint >= 0xd800 && codePoint <= 0xdbff && low?.[1] !== undefined) {
          this.i += 6;
          codePoint = 0x10000 + ((codePoint - 0xd800) << 10) + (Number.parseInt(low[1], 16) - 0xdc00);
        }
        return char(codePoint);
      }
      case 'c': {
        const control = this.pattern.charCodeAt(this.i);
        if (Number.isNaN(control)) throw unsupported('Illegal control escape sequence');
        this.i += 1;
        return char(control ^ 64);
      }
      case '':
        throw unsupported('Unexpected internal error: pattern ends with a backslash');
      default:
        if (/[A-Za-z0-9]/.test(ch)) throw unsupported(`Illegal/unsupported escape sequence \\${ch}`);
        this.i -= 1;
        return char(this.nextCodePoint());
    }
  }

  /** Translates a bracketed class (the `[` already consumed) to a `v`-mode class. */
  private translateClass(): string {
    const negated = this.peek() === '^';
    if (negated) this.i += 1;
    const intersected: string[] = [];
    let union = '';
    let first = true;
    for (;;) {
      if (this.i >= this.pattern.length) throw unsupported('Unclosed character class');
      const ch = this.peek();
      if (ch === ']' && !first) {
        this.i += 1;
        break;
      }
      first = false;
      if (ch === '[') {
        this.i += 1;
        union += this.translateClass();
      } else if (ch === '&' && this.peek(1) === '&') {
        this.i += 2;
        intersected.push(`[${union}]`);
        union = '';
      } else if (this.flags.comments && /\s/.test(ch)) {
        this.i += 1;
      } else if (ch === '\\' && this.peek(1) === 'Q') {
        this.i += 2;
        for (const codePoint of this.readQuoted()) union += literal(codePoint);
      } else {
        union += this.translateClassMember();
      }
    }
    const body = intersected.length === 0 ? union : [...intersected, `[${union}]`].join('&&');
    return `[${negated ? '^' : ''}${body}]`;
  }

  private translateClassMember(): string {
    const from = this.readClassAtom();
    if (from.kind !== 'char' || this.peek() !== '-' || this.peek(1) === ']' || this.peek(1) === '') {
      return from.kind === 'char' ? literal(from.codePoint) : from.text;
    }
    this.i += 1;
    const to = this.readClassAtom();
    if (to.kind !== 'char' || to.codePoint < from.codePoint) throw unsupported('Illegal character range');
    return `${literal(from.codePoint)}-${literal(to.codePoint)}`;
  }

  private readClassAtom(): ClassAtom {
    if (this.peek() === '\\') {
      this.i += 1;
      if (this.peek() === 'b') {
        this.i += 1;
        return { kind: 'char', codePoint: 0x08 };
      }
      return this.readEscapeAtom();
    }
    return { kind: 'char', codePoint: this.nextCodePoint() };
  }
}

const compiled = new Map<string, RegExp>();
const COMPILED_CACHE_LIMIT = 500;

/** Compiles a Java pattern into a JavaScript expression that matches only whole inputs (use with `lastIndex = 0`). */
export function compileJavaPattern(pattern: string): RegExp {
  const cached = compiled.get(pattern);
  if (cached !== undefined) return cached;
  const translator = new JavaPatternTranslator(pattern);
  const source = translator.translate();
  const { caseInsensitive, multiline } = translator.flags;
  let expression: RegExp;
  try {
    expression = new RegExp(`(?:${source})${END_OF_INPUT}`, `vy${caseInsensitive ? 'i' : ''}${multiline ? 'm' : ''}`);
  } catch (error) {
    throw unsupported(`invalid pattern ${JSON.stringify(pattern)}: ${(error as Error).message}`);
  }
  if (compiled.size >= COMPILED_CACHE_LIMIT) compiled.clear();
  compiled.set(pattern, expression);
  return expression;
}

/**
 * `util.matches(pattern, value)`: true when the Java regular expression matches the whole of `value`.
 *
 * @example javaMatches('a*b', 'aaaaab') // => true
 */
export function javaMatches(pattern: string, value: string): boolean {
  if (typeof pattern !== 'string') throw unsupported('the pattern must be a string');
  if (typeof value !== 'string') throw unsupported('the value must be a string');
  const expression = compileJavaPattern(pattern);
  expression.lastIndex = 0;
  return expression.test(value);
}

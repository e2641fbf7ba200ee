import { describe, expect, it } from 'vitest';
import { UtilArgumentError } from '../../../../local/appsync/runtime/util/index.js';
import { harness, thrown } from './fixture.js';

const { util } = harness();

describe('util.matches (Java regex, whole input)', () => {
  it('matches the documented example and requires the whole input', () => {
    expect(util.matches('a*b', 'aaaaab')).toBe(true);
    expect(util.matches('a*b', 'aaaaabc')).toBe(false);
    expect(util.matches('b', 'abc')).toBe(false);
    expect(util.matches('a|ab', 'ab')).toBe(true);
  });

  it('supports common validation patterns', () => {
    const email = '^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}$';
    expect(util.matches(email, 'user.name+tag@example.co')).toBe(true);
    expect(util.matches(email, 'not an email')).toBe(false);
    expect(util.matches('\\d{3}-\\d{4}', '555-1234')).toBe(true);
    expect(util.matches('[a-z]+(?:-[a-z]+)*', 'kebab-case-id')).toBe(true);
  });

  it('keeps Java meanings: ASCII \\s, . without line terminators, $ before a final newline', () => {
    expect(util.matches('a\\sb', 'a\u00a0b')).toBe(false);
    expect(util.matches('a\\sb', 'a\tb')).toBe(true);
    expect(util.matches('a.b', 'a\nb')).toBe(false);
    expect(util.matches('a.b', 'a\u0085b')).toBe(false);
    expect(util.matches('(?s)a.b', 'a\nb')).toBe(true);
    expect(util.matches('abc$\\n', 'abc\n')).toBe(true);
  });

  it('understands POSIX and java classes, \\Q…\\E, \\h, octal and \\x{…}', () => {
    expect(util.matches('\\p{Alpha}+\\p{Digit}', 'abc1')).toBe(true);
    expect(util.matches('\\p{Upper}\\p{Lower}+', 'Hello')).toBe(true);
    expect(util.matches('\\p{javaLowerCase}+', 'straße')).toBe(true);
    expect(util.matches('\\p{IsLatin}+', 'Ünïcödé')).toBe(true);
    expect(util.matches('\\p{L}+', '日本語')).toBe(true);
    expect(util.matches('\\QA.B*\\E', 'A.B*')).toBe(true);
    expect(util.matches('\\QA.B*\\E', 'AxBB')).toBe(false);
    expect(util.matches('a\\hb', 'a\u3000b')).toBe(true);
    expect(util.matches('\\0101\\x{42}', 'AB')).toBe(true);
  });

  it('handles class unions, intersections and negation', () => {
    expect(util.matches('[a-z&&[^aeiou]]+', 'bcd')).toBe(true);
    expect(util.matches('[a-z&&[^aeiou]]+', 'bad')).toBe(false);
    expect(util.matches('[a-c[x-z]]+', 'axbz')).toBe(true);
    expect(util.matches('[^\\d\\s]+', 'abc')).toBe(true);
    expect(util.matches('[^\\d\\s]+', 'a c')).toBe(false);
    expect(util.matches('[-a.]+', '-.a')).toBe(true);
  });

  it('applies leading inline flags', () => {
    expect(util.matches('(?i)hello', 'HeLLo')).toBe(true);
    expect(util.matches('hello', 'HeLLo')).toBe(false);
    expect(util.matches('(?x) a b  # spaced out', 'ab')).toBe(true);
    expect(util.matches('(?m)^a$\\n^b$', 'a\nb')).toBe(true);
  });

  it('accepts possessive quantifiers and atomic groups, named groups and back-references', () => {
    expect(util.matches('a++b', 'aaab')).toBe(true);
    expect(util.matches('(?>ab|a)c', 'abc')).toBe(true);
    expect(util.matches('(?<w>\\w+)-\\k<w>', 'abc-abc')).toBe(true);
    expect(util.matches('(\\w)\\1', 'xx')).toBe(true);
    expect(util.matches('(\\w)\\1', 'xy')).toBe(false);
  });

  it('rejects invalid or unsupported patterns and non-string arguments', () => {
    expect(thrown(() => util.matches('(', 'x'))).toBeInstanceOf(UtilArgumentError);
    expect(thrown(() => util.matches('a{', 'x'))).toBeInstanceOf(UtilArgumentError);
    expect(thrown(() => util.matches('\\y', 'x'))).toBeInstanceOf(UtilArgumentError);
    expect(thrown(() => util.matches('a(?i)b', 'aB'))).toBeInstanceOf(UtilArgumentError);
    expect(thrown(() => util.matches('a', null as unknown as string))).toBeInstanceOf(UtilArgumentError);
  });
});

/**
 * String encoders of `util`: JavaScript escaping, form URL encoding and base64, with the Java semantics AppSync
 * inherits (Apache Commons `escapeJavaScript`, `java.net.URLEncoder` / `URLDecoder`).
 */
import { UtilArgumentError } from './errors.js';

function hex4(code: number): string {
  return code.toString(16).toUpperCase().padStart(4, '0');
}

const JAVASCRIPT_ESCAPES: Readonly<Record<string, string>> = {
  '\b': '\\b',
  '\n': '\\n',
  '\t': '\\t',
  '\f': '\\f',
  '\r': '\\r',
  "'": "\\'",
  '"': '\\"',
  '\\': '\\\\',
  '/': '\\/',
};

/**
 * `util.escapeJavaScript`: escapes quotes, backslash, `/` and control characters, and writes every non-ASCII UTF-16
 * code unit as `\uXXXX` (upper-case hex), as Apache Commons Lang's `escapeJavaScript` does.
 *
 * @example escapeJavaScript(`it's "x"`) // => `it\'s \"x\"`
 */
export function escapeJavaScript(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; i += 1) {
    const ch = value.charAt(i);
    const code = value.charCodeAt(i);
    const named = JAVASCRIPT_ESCAPES[ch];
    if (named !== undefined) out += named;
    else if (code < 0x20 || code > 0x7f) out += `\\u${hex4(code)}`;
    else out += ch;
  }
  return out;
}

// Characters java.net.URLEncoder leaves alone.
const URL_SAFE = /^[A-Za-z0-9.\-*_]$/;
// A lone surrogate cannot be encoded as UTF-8; Java's encoder writes '?' in its place.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * `util.urlEncode`: `application/x-www-form-urlencoded` as `java.net.URLEncoder.encode(value, "UTF-8")` — space
 * becomes `+`, only `A-Z a-z 0-9 . - * _` stay literal, every other UTF-8 byte becomes `%XX`.
 *
 * @example urlEncode('a b&c') // => 'a+b%26c'
 */
export function urlEncode(value: string): string {
  let out = '';
  for (const ch of value.replace(LONE_SURROGATE, '?')) {
    if (ch === ' ') out += '+';
    else if (URL_SAFE.test(ch)) out += ch;
    else for (const byte of Buffer.from(ch, 'utf8')) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/**
 * `util.urlDecode`: the inverse of {@link urlEncode} as `java.net.URLDecoder.decode(value, "UTF-8")` — `+` is a space,
 * runs of `%XX` are UTF-8 bytes; a malformed escape is an error, as in Java.
 */
export function urlDecode(value: string): string {
  let out = '';
  let i = 0;
  while (i < value.length) {
    const ch = value.charAt(i);
    if (ch === '+') {
      out += ' ';
      i += 1;
    } else if (ch === '%') {
      const bytes: number[] = [];
      while (i < value.length && value.charAt(i) === '%') {
        if (i + 2 >= value.length) {
          throw new UtilArgumentError('util.urlDecode', 'Incomplete trailing escape (%) pattern');
        }
        const digits = value.slice(i + 1, i + 3);
        if (!/^[0-9A-Fa-f]{2}$/.test(digits)) {
          throw new UtilArgumentError('util.urlDecode', 'Illegal hex characters in escape (%) pattern');
        }
        bytes.push(Number.parseInt(digits, 16));
        i += 3;
      }
      out += Buffer.from(bytes).toString('utf8');
    } else {
      out += ch;
      i += 1;
    }
  }
  return out;
}

/** `util.base64Encode`: the UTF-8 bytes of the string, standard base64 alphabet with padding. */
export function base64Encode(value: string): string {
  return Buffer.from(value, 'utf8').toString('base64');
}

/** `util.base64Decode`: decodes base64 (standard alphabet, padding optional) and reads the bytes as UTF-8. */
export function base64Decode(value: string): string {
  const compact = value.replace(/[\r\n]/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.replace(/=+$/, '').length % 4 === 1) {
    throw new UtilArgumentError('util.base64Decode', 'input is not valid base64');
  }
  return Buffer.from(compact, 'base64').toString('utf8');
}

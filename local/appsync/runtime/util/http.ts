/**
 * `util.http`: request-header copying and custom response headers. Response headers are only recorded here (see
 * {@link responseHeadersOf}); AppSync's 4 KB total limit is not enforced.
 */
import type { RunEffects } from '../types.js';
import { isRecord, jsonCopy } from './values.js';

/** Headers `copyHeaders` drops (DG: http-helpers-in-utils-http-js). */
const RESTRICTED_REQUEST_HEADERS = new Set([
  'transfer-encoding',
  'connection',
  'host',
  'expect',
  'keep-alive',
  'upgrade',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'content-length',
]);

/** Names a resolver may not set as response headers, besides the restricted request headers. */
const RESTRICTED_RESPONSE_HEADERS = new Set([
  ...RESTRICTED_REQUEST_HEADERS,
  'access-control-allow-credentials',
  'access-control-allow-origin',
  'access-control-expose-headers',
  'access-control-max-age',
  'access-control-allow-methods',
  'access-control-allow-headers',
  'vary',
  'content-type',
]);

const recordedResponseHeaders = new WeakMap<RunEffects, Record<string, string>>();

/** The response headers added during a run (last write wins), keyed as written. */
export function responseHeadersOf(effects: RunEffects): Readonly<Record<string, string>> {
  return recordedResponseHeaders.get(effects) ?? {};
}

/** `util.http.copyHeaders`: a copy of the headers without the restricted ones (names compared case-insensitively). */
export function copyHeaders(headers: unknown): Record<string, unknown> {
  if (!isRecord(headers)) return {};
  return Object.fromEntries(
    Object.entries(headers)
      .filter(([name]) => !RESTRICTED_REQUEST_HEADERS.has(name.toLowerCase()))
      .map(([name, value]) => [name, jsonCopy(value)]),
  );
}

/**
 * Records a response header. Empty or restricted names and null values are ignored and reported as a
 * `ResponseHeaderError`, as AppSync adds such an error to the response.
 */
export function addResponseHeader(effects: RunEffects, name: unknown, value: unknown): void {
  const lower = typeof name === 'string' ? name.toLowerCase() : '';
  const rejected =
    lower === '' || RESTRICTED_RESPONSE_HEADERS.has(lower) || lower.startsWith('x-amzn-') || lower.startsWith('x-amz-');
  if (rejected || value == null) {
    effects.appendedErrors.push({
      message: `Response header ${JSON.stringify(name)} was ignored: ${
        rejected ? 'the name is empty or restricted' : 'the value is null'
      }`,
      errorType: 'ResponseHeaderError',
      data: null,
      errorInfo: null,
    });
    return;
  }
  const headers = recordedResponseHeaders.get(effects) ?? {};
  headers[name as string] = typeof value === 'string' ? value : JSON.stringify(value);
  recordedResponseHeaders.set(effects, headers);
}

/** Helpers for reading an {@link AuthRequest} the way AppSync does. */
import type { AuthRequest } from './types.js';

/** Header names lower-cased (HTTP header names are case-insensitive; clients differ, see appsync-realtime.md §3). */
export type LowerCaseHeaders = ReadonlyMap<string, string>;

export function lowerCaseHeaders(headers: AuthRequest['headers']): LowerCaseHeaders {
  const lowered = new Map<string, string>();
  for (const [name, value] of Object.entries(headers)) lowered.set(name.toLowerCase(), value);
  return lowered;
}

/**
 * `ctx.identity.sourceIp`: the TCP peer. Node reports IPv4 peers of a dual-stack socket as `::ffff:a.b.c.d`;
 * AppSync shows plain IPv4, so the prefix is dropped.
 */
export function sourceIpList(sourceIp: string): string[] {
  return [sourceIp.startsWith('::ffff:') && sourceIp.includes('.') ? sourceIp.slice('::ffff:'.length) : sourceIp];
}

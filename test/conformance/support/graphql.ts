/**
 * GraphQL over HTTP as a client sees it: `fetch` to the outputs' `data.url`, with a user's token, SigV4 (IAM) or
 * nothing, and the raw status, headers and body back — the conformance tests assert on exactly those.
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { GraphqlCallError } from './errors.js';
import type { ConformanceTarget, ConformanceUser } from './target.js';

/** Who calls: a Cognito token, the target's IAM caller acting for a user, or no credentials at all. */
export type Caller =
  | { readonly token: string }
  | { readonly iam: true; readonly actingUserId?: string }
  | { readonly headers: Readonly<Record<string, string>> }
  | null;

export interface HttpReply {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** The body parsed as JSON (undefined when it is not JSON). */
  readonly body: unknown;
}

/** The header the WebSocket bridge names the acting user in (resolvers/lib/context.ts). */
export const ACTING_USER_HEADER = 'x-wavechat-user-id';

/**
 * POSTs a GraphQL request; `request` is sent as JSON, or verbatim when it is a string.
 *
 * @example
 * ```ts
 * const reply = await postGraphql(target, { query: '{ myRooms { items { id } } }' }, null);
 * expect(reply.status).toBe(401);
 * ```
 */
export async function postGraphql(
  target: ConformanceTarget,
  request: { query: string; variables?: Record<string, unknown> } | string,
  caller: Caller,
): Promise<HttpReply> {
  const url = new URL(target.outputs.data.url);
  const body = typeof request === 'string' ? request : JSON.stringify(request);
  let headers: Record<string, string> = { 'content-type': 'application/json' };
  if (caller && 'token' in caller) headers['authorization'] = caller.token;
  else if (caller && 'headers' in caller) headers = { ...headers, ...caller.headers };
  else if (caller && 'iam' in caller) {
    if (caller.actingUserId !== undefined) headers[ACTING_USER_HEADER] = caller.actingUserId;
    headers = await signed(target, url, headers, body);
  }
  const response = await fetch(url, { method: 'POST', headers, body });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: response.status, headers: response.headers, text, body: parsed };
}

async function signed(
  target: ConformanceTarget,
  url: URL,
  headers: Record<string, string>,
  body: string,
): Promise<Record<string, string>> {
  const signer = new SignatureV4({
    service: 'appsync',
    region: target.iam.region,
    credentials: target.iam.credentials,
    sha256: Sha256,
    applyChecksum: false,
  });
  const request = await signer.sign(
    new HttpRequest({
      method: 'POST',
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port ? { port: Number(url.port) } : {}),
      path: url.pathname,
      headers: { ...headers, host: url.host },
      body,
    }),
  );
  // fetch sets host itself.
  const { host: _host, ...rest } = request.headers;
  return rest;
}

/** Runs an operation as a user (with the access token, as aws-amplify does); it must succeed. Returns `data`. */
export async function graphql<T = Record<string, unknown>>(
  target: ConformanceTarget,
  user: ConformanceUser,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<T> {
  const reply = await postGraphql(target, { query, variables }, { token: user.accessToken });
  const body = reply.body as { data?: T; errors?: unknown[] } | undefined;
  if (reply.status !== 200 || !body?.data || body.errors) throw new GraphqlCallError(reply.status, reply.body ?? reply.text);
  return body.data;
}

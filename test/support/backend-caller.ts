/**
 * Calls the chat API the way backend code (the raw-WebSocket bridge) does: SigV4-signed with the local backend
 * principal, naming the user it acts for in the `x-wavechat-user-id` header.
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { LocalCloud } from '../../local/cloud.js';
import { LOCAL_REGION } from '../../local/dynamodb/index.js';

/** A GraphQL response as the HTTP endpoint returns it. */
export interface GraphqlResponse<T> {
  readonly data?: T | null;
  readonly errors?: readonly { readonly message: string; readonly errorType?: string }[];
}

/**
 * Posts one signed GraphQL request; `actingUserId` omitted sends no acting-user header.
 *
 * @example
 * ```ts
 * const lobby = await backendGraphql(cloud, 'mutation { ensurePublicRoom(id: "lobby", name: "Lobby") { id } }');
 * ```
 */
export async function backendGraphql<T = Record<string, unknown>>(
  cloud: LocalCloud,
  query: string,
  variables: Record<string, unknown> = {},
  actingUserId?: string,
): Promise<GraphqlResponse<T>> {
  const url = new URL(cloud.appsync.graphqlUrl);
  const body = JSON.stringify({ query, variables });
  const headers: Record<string, string> = { 'content-type': 'application/json', host: url.host };
  if (actingUserId !== undefined) headers['x-wavechat-user-id'] = actingUserId;
  const { accessKeyId, secretAccessKey } = cloud.backendPrincipal;
  const signer = new SignatureV4({
    service: 'appsync',
    region: LOCAL_REGION,
    credentials: { accessKeyId, secretAccessKey },
    sha256: Sha256,
  });
  const signed = await signer.sign(
    new HttpRequest({
      method: 'POST',
      protocol: url.protocol,
      hostname: url.hostname,
      port: Number(url.port),
      path: url.pathname,
      headers,
      body,
    }),
  );
  const response = await fetch(url, { method: 'POST', headers: signed.headers, body });
  return (await response.json()) as GraphqlResponse<T>;
}

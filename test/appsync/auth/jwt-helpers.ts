/** Test helpers: mint RS256 JWTs and serve a JWKS over plain http, as cognito-local does. */
import { createSign, generateKeyPair, type KeyObject } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { promisify } from 'node:util';

export interface SigningKey {
  readonly kid: string;
  readonly privateKey: KeyObject | string;
  readonly publicJwk: Record<string, unknown>;
}

/** RSA key generation takes a few hundred ms: generate keys in parallel, once per file. */
export async function generateSigningKey(kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await promisify(generateKeyPair)('rsa', { modulusLength: 2048 });
  return { kid, privateKey, publicJwk: { ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' } };
}

/** A JWT signed with `key` (header `kid` from the key unless overridden). */
export function signJwt(payload: Record<string, unknown>, key: Pick<SigningKey, 'kid' | 'privateKey'>): string {
  const encode = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  const signingInput = `${encode({ alg: 'RS256', typ: 'JWT', kid: key.kid })}.${encode(payload)}`;
  const signature = createSign('RSA-SHA256').update(signingInput).sign(key.privateKey).toString('base64url');
  return `${signingInput}.${signature}`;
}

export function decodeJwtPayload(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** An http JWKS endpoint whose keys can change, counting how often it is fetched. */
export interface JwksServer {
  readonly jwksUri: string;
  keys: Record<string, unknown>[];
  readonly fetchCount: () => number;
  close(): Promise<void>;
}

export async function startJwksServer(keys: Record<string, unknown>[]): Promise<JwksServer> {
  let fetches = 0;
  const state = { keys };
  const server: Server = createServer((_request, response) => {
    fetches += 1;
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: state.keys }));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    jwksUri: `http://127.0.0.1:${address.port}/pool/.well-known/jwks.json`,
    get keys() {
      return state.keys;
    },
    set keys(next) {
      state.keys = next;
    },
    fetchCount: () => fetches,
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

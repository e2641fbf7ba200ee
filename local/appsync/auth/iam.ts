/**
 * AWS_IAM: verifies a SigV4 `authorization` header by signing the same request again with the principal's secret.
 *
 * Works for the three request kinds of appsync-realtime.md §3 alike (HTTP `POST /graphql` with its body, realtime
 * connect `POST /graphql/connect` with body `{}`, realtime start `POST /graphql` with `payload.data`): the caller
 * supplies path and body, and only the headers the client listed in `SignedHeaders` take part.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { UNAUTHORIZED_MESSAGES, UnauthorizedError } from './errors.js';
import { sourceIpList, type LowerCaseHeaders } from './request.js';
import type { AuthConfig, Authentication, AuthRequest, IamPrincipal } from './types.js';

/** `ctx.identity` for an IAM caller (appsync-js-runtime.md §3.1); no Cognito identity pools locally. */
export interface IamIdentity {
  readonly accountId: string;
  readonly cognitoIdentityPoolId: null;
  readonly cognitoIdentityId: null;
  readonly sourceIp: readonly string[];
  readonly username: string;
  readonly userArn: string;
  readonly cognitoIdentityAuthType: null;
  readonly cognitoIdentityAuthProvider: null;
}

/** How far `x-amz-date` may be from our clock, as AWS allows. */
const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;
const SIGV4_ALGORITHM = 'AWS4-HMAC-SHA256';
const SERVICE = 'appsync';

/** Checks SigV4-signed requests. */
export interface IamVerifier {
  /** @throws UnauthorizedError for unknown keys, wrong scope, stale dates, or a signature that does not match. */
  verify(request: AuthRequest, headers: LowerCaseHeaders, now: Date): Promise<Authentication>;
}

type IamConfig = NonNullable<AuthConfig['iam']>;

export function createIamVerifier(config: IamConfig): IamVerifier {
  const principals = new Map(config.principals.map((principal) => [principal.accessKeyId, principal]));
  return {
    async verify(request, headers, now) {
      const authorization = parseAuthorization(headers.get('authorization') ?? '');
      const principal = principals.get(authorization.accessKeyId);
      if (!principal) throw rejected(`unknown access key id ${authorization.accessKeyId}`);
      const { scope } = authorization;
      if (scope.region !== config.region) throw rejected(`credential scope region ${scope.region}, expected ${config.region}`);
      if (scope.service !== SERVICE) throw rejected(`credential scope service ${scope.service}, expected ${SERVICE}`);
      if (scope.terminator !== 'aws4_request') throw rejected(`credential scope ends with ${scope.terminator}`);

      const amzDate = headers.get('x-amz-date');
      const signingDate = amzDate === undefined ? null : parseAmzDate(amzDate);
      if (amzDate === undefined || signingDate === null) throw rejected('missing or malformed x-amz-date');
      if (amzDate.slice(0, 8) !== scope.date) throw rejected(`credential scope date ${scope.date} does not match x-amz-date ${amzDate}`);
      if (Math.abs(now.getTime() - signingDate.getTime()) > MAX_CLOCK_SKEW_MS) {
        throw rejected(`x-amz-date ${amzDate} is more than 5 minutes from the server clock`);
      }
      for (const required of ['host', 'x-amz-date']) {
        if (!authorization.signedHeaders.includes(required)) throw rejected(`${required} is not a signed header`);
      }

      const signedHeaderValues: Record<string, string> = {};
      for (const name of authorization.signedHeaders) {
        const value = headers.get(name);
        if (value === undefined) throw rejected(`signed header ${name} is missing`);
        signedHeaderValues[name] = value;
      }
      // The signer trusts x-amz-content-sha256 as the body hash; make sure it is the hash of this body.
      const declaredBodyHash = headers.get('x-amz-content-sha256');
      if (declaredBodyHash !== undefined && declaredBodyHash !== sha256Hex(request.body)) {
        throw rejected('x-amz-content-sha256 does not match the body');
      }

      const expected = await signatureFor(request, signedHeaderValues, authorization.signedHeaders, principal, config.region, signingDate);
      if (!sameSignature(expected, authorization.signature)) throw rejected('signature does not match');
      return authenticationFor(principal, request.sourceIp);
    },
  };
}

interface ParsedAuthorization {
  readonly accessKeyId: string;
  readonly scope: { readonly date: string; readonly region: string; readonly service: string; readonly terminator: string };
  readonly signedHeaders: readonly string[];
  readonly signature: string;
}

/** `AWS4-HMAC-SHA256 Credential=AK/20261123/us-east-1/appsync/aws4_request, SignedHeaders=a;b, Signature=hex` */
function parseAuthorization(header: string): ParsedAuthorization {
  if (!header.startsWith(`${SIGV4_ALGORITHM} `)) throw rejected('authorization is not AWS4-HMAC-SHA256');
  const parts = new Map<string, string>();
  for (const part of header.slice(SIGV4_ALGORITHM.length).split(',')) {
    const separator = part.indexOf('=');
    if (separator > 0) parts.set(part.slice(0, separator).trim(), part.slice(separator + 1).trim());
  }
  const credential = parts.get('Credential');
  const signedHeaders = parts.get('SignedHeaders');
  const signature = parts.get('Signature');
  if (credential === undefined || signedHeaders === undefined || signature === undefined) {
    throw rejected('authorization lacks Credential, SignedHeaders or Signature');
  }
  const [accessKeyId, date, region, service, terminator, ...extra] = credential.split('/');
  if (!accessKeyId || !date || !region || !service || !terminator || extra.length > 0) {
    throw rejected(`malformed Credential ${credential}`);
  }
  if (!/^[0-9a-f]{64}$/.test(signature)) throw rejected('malformed Signature');
  return {
    accessKeyId,
    scope: { date, region, service, terminator },
    signedHeaders: signedHeaders.split(';').map((name) => name.trim().toLowerCase()),
    signature,
  };
}

/** `20261123T145208Z` → Date, or null when malformed. */
function parseAmzDate(value: string): Date | null {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!match) return null;
  const [, year, month, day, hour, minute, second] = match.map(Number) as [number, ...number[]];
  const date = new Date(Date.UTC(year!, month! - 1, day!, hour!, minute!, second!));
  return Number.isNaN(date.getTime()) ? null : date;
}

async function signatureFor(
  request: AuthRequest,
  signedHeaderValues: Record<string, string>,
  signedHeaderNames: readonly string[],
  principal: IamPrincipal,
  region: string,
  signingDate: Date,
): Promise<string> {
  const signer = new SignatureV4({
    service: SERVICE,
    region,
    credentials: { accessKeyId: principal.accessKeyId, secretAccessKey: principal.secretAccessKey },
    sha256: Sha256,
    // Clients sign without x-amz-content-sha256 (appsync-realtime.md §3); a signed one is among the headers anyway.
    applyChecksum: false,
  });
  const queryStart = request.path.indexOf('?');
  const path = queryStart === -1 ? request.path : request.path.slice(0, queryStart);
  const query = queryStart === -1 ? {} : parseQuery(request.path.slice(queryStart + 1));
  const signed = await signer.sign(
    new HttpRequest({
      method: request.method.toUpperCase(),
      protocol: 'https:',
      hostname: signedHeaderValues.host ?? '',
      path,
      query,
      headers: signedHeaderValues,
      body: request.body,
    }),
    // Sign exactly what the client listed, even headers the signer would skip by default (e.g. user-agent).
    { signingDate, signableHeaders: new Set(signedHeaderNames) },
  );
  const signature = /Signature=([0-9a-f]+)/.exec(String(signed.headers.authorization))?.[1];
  const signedList = /SignedHeaders=([^,]+)/.exec(String(signed.headers.authorization))?.[1];
  if (signature === undefined || signedList !== [...signedHeaderNames].sort().join(';')) {
    // The signer would have covered a different header set (e.g. a header listed twice): cannot match.
    throw rejected(`signed header list ${signedHeaderNames.join(';')} cannot be reproduced`);
  }
  return signature;
}

function parseQuery(query: string): Record<string, string | string[]> {
  const result: Record<string, string | string[]> = {};
  for (const pair of query.split('&')) {
    if (pair === '') continue;
    const separator = pair.indexOf('=');
    const name = decodeURIComponent(separator === -1 ? pair : pair.slice(0, separator));
    const value = separator === -1 ? '' : decodeURIComponent(pair.slice(separator + 1));
    const previous = result[name];
    result[name] = previous === undefined ? value : [...(Array.isArray(previous) ? previous : [previous]), value];
  }
  return result;
}

function sameSignature(expected: string, actual: string): boolean {
  const expectedBytes = Buffer.from(expected, 'utf8');
  const actualBytes = Buffer.from(actual, 'utf8');
  return expectedBytes.length === actualBytes.length && timingSafeEqual(expectedBytes, actualBytes);
}

function sha256Hex(body: string): string {
  return createHash('sha256').update(body, 'utf8').digest('hex');
}

function authenticationFor(principal: IamPrincipal, sourceIp: string): Authentication {
  const identity: IamIdentity = {
    accountId: principal.accountId,
    cognitoIdentityPoolId: null,
    cognitoIdentityId: null,
    sourceIp: sourceIpList(sourceIp),
    username: principal.username,
    userArn: principal.userArn,
    cognitoIdentityAuthType: null,
    cognitoIdentityAuthProvider: null,
  };
  return { mode: 'AWS_IAM', identity, authType: 'IAM Authorization', groups: [] };
}

function rejected(reason: string): UnauthorizedError {
  return new UnauthorizedError(UNAUTHORIZED_MESSAGES.rejectedCredentials, reason);
}

/**
 * Opaque, resolver-scoped pagination tokens. AppSync never hands DynamoDB's `LastEvaluatedKey` to resolver code: it
 * returns an encrypted token (`eyJ2ZXJzaW9uIjo…`, the base64 of `{"version":…,"token":…}`) that only the issuing
 * resolver or function accepts. Locally the key is signed, not encrypted: opacity is a convention, forgery is not.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { InvalidPaginationTokenError } from '../errors.js';
import { isJsonObject } from '../request-fields.js';
import type { AttributeMap } from './typed-values.js';

const TOKEN_VERSION = 1;

/** Where a token is valid: the resolver/function that issued it, on one table. */
export interface PaginationScope {
  readonly scope: string;
  readonly table: string;
}

/** Key attributes are S, N or B; only B (bytes) needs a JSON spelling. */
type KeyAttributeJson = { S: string } | { N: string } | { B: string };

function keyAttributeToJson(value: AttributeValue): KeyAttributeJson {
  return value.B !== undefined ? { B: Buffer.from(value.B).toString('base64') } : (value as KeyAttributeJson);
}

function keyAttributeFromJson(value: KeyAttributeJson): AttributeValue {
  return 'B' in value ? { B: Buffer.from(value.B, 'base64') } : value;
}

export interface NextTokenCodec {
  /** The token for a page's `LastEvaluatedKey`, or null on the last page. */
  encode(lastEvaluatedKey: AttributeMap | undefined, scope: PaginationScope): string | null;
  /** The `ExclusiveStartKey` a token stands for; throws {@link InvalidPaginationTokenError} for any other token. */
  decode(token: string, scope: PaginationScope): AttributeMap;
}

/** @param signingKey HMAC key; a random one makes tokens valid only for this process. */
export function createNextTokenCodec(signingKey: Buffer = randomBytes(32)): NextTokenCodec {
  const sign = (body: string): string => createHmac('sha256', signingKey).update(body).digest('base64url');

  return {
    encode(lastEvaluatedKey, { scope, table }) {
      if (lastEvaluatedKey === undefined || Object.keys(lastEvaluatedKey).length === 0) return null;
      const key: Record<string, KeyAttributeJson> = {};
      for (const [name, value] of Object.entries(lastEvaluatedKey)) key[name] = keyAttributeToJson(value);
      const body = Buffer.from(JSON.stringify({ scope, table, key })).toString('base64');
      return Buffer.from(JSON.stringify({ version: TOKEN_VERSION, token: body, signature: sign(body) })).toString(
        'base64',
      );
    },

    decode(token, expected) {
      let envelope: unknown;
      try {
        envelope = JSON.parse(Buffer.from(token, 'base64').toString('utf8'));
      } catch {
        throw new InvalidPaginationTokenError('not a token');
      }
      if (
        !isJsonObject(envelope) ||
        envelope.version !== TOKEN_VERSION ||
        typeof envelope.token !== 'string' ||
        typeof envelope.signature !== 'string'
      ) {
        throw new InvalidPaginationTokenError('not a token');
      }
      const expectedSignature = Buffer.from(sign(envelope.token));
      const givenSignature = Buffer.from(envelope.signature);
      if (givenSignature.length !== expectedSignature.length || !timingSafeEqual(givenSignature, expectedSignature)) {
        throw new InvalidPaginationTokenError('bad signature');
      }
      // Signed by us, so well-formed.
      const body = JSON.parse(Buffer.from(envelope.token, 'base64').toString('utf8')) as {
        scope: string;
        table: string;
        key: Record<string, KeyAttributeJson>;
      };
      if (body.scope !== expected.scope || body.table !== expected.table) {
        throw new InvalidPaginationTokenError(
          `issued for ${body.scope} on table ${body.table}, used by ${expected.scope} on table ${expected.table}`,
        );
      }
      const key: AttributeMap = {};
      for (const [name, value] of Object.entries(body.key)) key[name] = keyAttributeFromJson(value);
      return key;
    },
  };
}

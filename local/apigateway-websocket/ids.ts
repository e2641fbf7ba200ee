/** Identifiers in the formats API Gateway uses for WebSocket APIs. */
import { randomBytes, randomInt } from 'node:crypto';

/**
 * A connection, request or message id as API Gateway writes them: 16 characters, 11 bytes in base64 with its one
 * `=` of padding, e.g. `BFHPhfCWIAMCKlQ=` or `Mg_ugfpqPHcCIVA=` (captured ids use the URL-safe alphabet).
 */
export function newGatewayId(): string {
  return `${randomBytes(11).toString('base64url')}=`;
}

const WELL_FORMED_CONNECTION_ID = /^[A-Za-z0-9_+/-]{15}=$/;

/** Whether `id` has the shape of a connection id; API Gateway answers 400, not 410, for ids that do not. */
export function isWellFormedConnectionId(id: string): boolean {
  return WELL_FORMED_CONNECTION_ID.test(id);
}

const API_ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** An API id like AWS's: 10 lowercase alphanumerics, e.g. `fjnq7njcv2`. */
export function newApiId(): string {
  let id = '';
  for (let i = 0; i < 10; i += 1) id += API_ID_ALPHABET[randomInt(API_ID_ALPHABET.length)];
  return id;
}

/** An `X-Amzn-Trace-Id` root: `Root=1-<epoch seconds, hex>-<96 random bits, hex>`. */
export function newTraceId(nowMs: number): string {
  return `Root=1-${Math.floor(nowMs / 1000).toString(16)}-${randomBytes(12).toString('hex')}`;
}

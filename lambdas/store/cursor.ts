/**
 * Opaque, tamper-checked pagination cursors. A cursor is `<payload>.<mac>`: the payload is the base64url JSON of a
 * DynamoDB key, the mac is the base64url HMAC-SHA256 of the payload *string*, so any change to any character of
 * the cursor (not just to the decoded bytes) is detected.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { ValidationError } from '../core/errors.js';

/** The key a cursor carries: the attributes of a DynamoDB `ExclusiveStartKey`. */
export type CursorKey = Record<string, string | number>;

export interface CursorCodec {
  /** Signs and encodes a key into an opaque URL-safe string. */
  encode(key: CursorKey): string;
  /**
   * Verifies and decodes a cursor whose key has exactly the attributes `allowedKeys`, each a string or a finite
   * number. Throws `ValidationError` (path `query.cursor`) for anything else, never another error type.
   */
  decode(cursor: string, allowedKeys: readonly string[]): CursorKey;
}

const CURSOR_PATH = 'query.cursor';
/** Domain separation: a MAC made by this codec is never valid for another use of the same secret. */
const MAC_CONTEXT = 'kairos.cursor.v1\n';
/** Keys are a few short strings; anything longer is not ours and is refused before any work. */
const MAX_CURSOR_LENGTH = 2048;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

function invalid(reason: string): ValidationError {
  return ValidationError.at(
    CURSOR_PATH,
    `The cursor is not valid (${reason}); start again without a cursor.`,
  );
}

/** Builds a codec signing with `secret` (e.g. a per-stage random string held in configuration). */
export function createCursorCodec(secret: string): CursorCodec {
  if (secret.length === 0) throw new Error('The cursor secret must not be empty.');
  const mac = (payload: string): string =>
    createHmac('sha256', secret).update(MAC_CONTEXT).update(payload).digest('base64url');

  return {
    encode(key) {
      const payload = Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
      return `${payload}.${mac(payload)}`;
    },

    decode(cursor, allowedKeys) {
      if (typeof cursor !== 'string' || cursor.length === 0 || cursor.length > MAX_CURSOR_LENGTH) {
        throw invalid('wrong length');
      }
      const parts = cursor.split('.');
      if (parts.length !== 2) throw invalid('malformed');
      const [payload, signature] = parts as [string, string];
      if (!BASE64URL.test(payload) || !BASE64URL.test(signature)) throw invalid('malformed');
      const expected = Buffer.from(mac(payload), 'utf8');
      const actual = Buffer.from(signature, 'utf8');
      if (expected.length !== actual.length || !timingSafeEqual(expected, actual))
        throw invalid('bad signature');

      let parsed: unknown;
      try {
        parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
      } catch {
        // Only reachable with a leaked secret; still a bad cursor, not a server error.
        throw invalid('malformed');
      }
      return checkShape(parsed, allowedKeys);
    },
  };
}

function checkShape(value: unknown, allowedKeys: readonly string[]): CursorKey {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid('wrong shape');
  const entries = Object.entries(value);
  if (entries.length !== allowedKeys.length) throw invalid('wrong shape');
  const key: CursorKey = {};
  for (const [name, item] of entries) {
    if (!allowedKeys.includes(name)) throw invalid('wrong shape');
    if (typeof item === 'string' || (typeof item === 'number' && Number.isFinite(item))) key[name] = item;
    else throw invalid('wrong shape');
  }
  return key;
}

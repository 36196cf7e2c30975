import { createHash, randomBytes } from 'node:crypto';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz'; // Crockford base32, lower case

function base32(bytes: Uint8Array, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHABET[bytes[i % bytes.length] % 32];
  return out;
}

/** A fresh job id: `job_` + 20 random base32 characters (100 bits). */
export function newJobId(): string {
  return `job_${base32(randomBytes(20), 20)}`;
}

/** A fresh backfill id: `bf_` + 20 random base32 characters (100 bits). */
export function newBackfillId(): string {
  return `bf_${base32(randomBytes(20), 20)}`;
}

/** A fresh audit record id: `aud_` + 20 random base32 characters (100 bits). */
export function newAuditId(): string {
  return `aud_${base32(randomBytes(20), 20)}`;
}

/**
 * The job id a create with `Idempotency-Key` gets: derived from the caller and the key, so a retried request
 * lands on the same item and the store's create-if-absent makes it a replay instead of a second job.
 */
export function idempotentJobId(principal: string, idempotencyKey: string): string {
  const digest = createHash('sha256').update(`${principal}\n${idempotencyKey}`).digest();
  return `job_${base32(digest, 20)}`;
}

/** Stable digest of a JSON value (object keys sorted), to tell a replay from a reused key. */
export function jsonDigest(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('base64url');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * DynamoDB item sizes and capacity units, following the sizing rules AWS documents ("Item sizes and formats",
 * DynamoDB developer guide): an attribute costs its name's UTF-8 length plus its value's size; maps and lists
 * add 3 bytes plus 1 byte per element. Approximate (numbers are sized by significant digits), which is enough
 * to tell whether an item stays under the 1 KB that one write unit covers.
 */

const utf8 = (text: string) => Buffer.byteLength(text, 'utf8');

/** A number: about one byte per two significant digits, plus one. */
function numberBytes(value: number | bigint): number {
  const digits = String(value)
    .replace(/^-/, '')
    .replace(/e.*$/i, '')
    .replace('.', '')
    .replace(/^0+/, '')
    .replace(/0+$/, '');
  return Math.ceil(Math.max(1, digits.length) / 2) + 1;
}

/** Size in bytes of one attribute value as the document client stores it. */
export function valueBytes(value: unknown): number {
  if (value === null || value === undefined || typeof value === 'boolean') return 1;
  if (typeof value === 'string') return utf8(value);
  if (typeof value === 'number' || typeof value === 'bigint') return numberBytes(value);
  if (value instanceof Uint8Array) return value.byteLength;
  // A set (string or number set): the sum of its elements, no per-element overhead.
  if (value instanceof Set) return [...value].reduce((sum: number, v) => sum + valueBytes(v), 0);
  if (Array.isArray(value)) return 3 + value.reduce((sum: number, v) => sum + 1 + valueBytes(v), 0);
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    return 3 + entries.reduce((sum, [k, v]) => sum + 1 + utf8(k) + valueBytes(v), 0);
  }
  return utf8(String(value));
}

/** Size in bytes of a whole item: every top-level attribute's name plus its value. */
export function itemBytes(item: Record<string, unknown> | undefined): number {
  if (item === undefined) return 0;
  return Object.entries(item).reduce((sum, [k, v]) => sum + utf8(k) + valueBytes(v), 0);
}

/** Write request units for one item write: 1 per started KB, at least 1. */
export function writeUnits(bytes: number): number {
  return Math.max(1, Math.ceil(bytes / 1024));
}

/** Read request units for `bytes` read at once: 1 per started 4 KB (strongly consistent) or half of that. */
export function readUnits(bytes: number, consistent: boolean): number {
  const blocks = Math.max(1, Math.ceil(bytes / 4096));
  return consistent ? blocks : blocks / 2;
}

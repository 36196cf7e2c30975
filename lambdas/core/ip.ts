/**
 * IP address literals as bytes (4 for IPv4, 16 for IPv6) and CIDR ranges over them. Pure: no `node:net`, so the
 * SSRF rules in `ssrf.ts` can be property-tested without a network stack.
 */

/** A CIDR range: the network's bytes (host bits zeroed) and the prefix length. */
export interface Cidr {
  readonly bytes: Uint8Array;
  readonly prefix: number;
}

const V4_PART = /^(0|[1-9]\d{0,2})$/;
const V6_GROUP = /^[0-9a-f]{1,4}$/i;

/**
 * Parses a strict dotted-quad IPv4 literal. Leading zeros are refused because `inet_aton` would read `010` as
 * octal 8: an address that means one thing here and another to the resolver is exactly an SSRF bypass.
 */
export function parseIpv4(text: string): Uint8Array | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((p) => V4_PART.test(p))) return undefined;
  const bytes = parts.map(Number);
  return bytes.every((b) => b <= 255) ? Uint8Array.from(bytes) : undefined;
}

function parseGroups(text: string): number[] | undefined {
  if (text === '') return [];
  const groups: number[] = [];
  const parts = text.split(':');
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    // The last group may be an embedded dotted quad (`::ffff:127.0.0.1`).
    if (i === parts.length - 1 && part.includes('.')) {
      const v4 = parseIpv4(part);
      if (v4 === undefined) return undefined;
      groups.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
    } else if (V6_GROUP.test(part)) {
      groups.push(Number.parseInt(part, 16));
    } else {
      return undefined;
    }
  }
  return groups;
}

/** Parses an IPv6 literal (with `::` compression and an optional trailing dotted quad). */
export function parseIpv6(text: string): Uint8Array | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = parseGroups(halves[0]!);
  const tail = halves.length === 2 ? parseGroups(halves[1]!) : [];
  if (head === undefined || tail === undefined) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const groups = [...head, ...new Array<number>(missing).fill(0), ...tail];
  const bytes = new Uint8Array(16);
  groups.forEach((g, i) => {
    bytes[2 * i] = g >> 8;
    bytes[2 * i + 1] = g & 0xff;
  });
  return bytes;
}

/**
 * Parses an IP literal as found in URLs and DNS answers: `1.2.3.4`, `::1`, `[::1]`, `fe80::1%eth0` (the zone is
 * dropped). Returns undefined for anything else, hostnames included.
 */
export function parseIp(text: string): Uint8Array | undefined {
  let s = text.trim();
  if (s.startsWith('[') && s.endsWith(']')) s = s.slice(1, -1);
  const zone = s.indexOf('%');
  if (zone >= 0 && s.includes(':')) s = s.slice(0, zone);
  return s.includes(':') ? parseIpv6(s) : parseIpv4(s);
}

/** The IPv4 address inside an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`), otherwise undefined. */
export function mappedIpv4(bytes: Uint8Array): Uint8Array | undefined {
  if (bytes.length !== 16) return undefined;
  for (let i = 0; i < 10; i++) if (bytes[i] !== 0) return undefined;
  return bytes[10] === 0xff && bytes[11] === 0xff ? bytes.slice(12) : undefined;
}

/** Parses `a.b.c.d/n` or `x::/n`; a bare address is a single-address range. Host bits must be zero. */
export function parseCidr(text: string): Cidr | undefined {
  const [addr, len, ...rest] = text.trim().split('/');
  if (addr === undefined || rest.length > 0) return undefined;
  const bytes = parseIp(addr);
  if (bytes === undefined) return undefined;
  const max = bytes.length * 8;
  if (len !== undefined && !/^\d{1,3}$/.test(len)) return undefined;
  const prefix = len === undefined ? max : Number(len);
  if (prefix > max) return undefined;
  const cidr = { bytes, prefix };
  // `10.1.2.3/8` is almost always a typo for a single host or for `10.0.0.0/8`; refuse rather than guess.
  return hostBitsZero(cidr) ? cidr : undefined;
}

function hostBitsZero(cidr: Cidr): boolean {
  const { bytes, prefix } = cidr;
  for (let bit = prefix; bit < bytes.length * 8; bit++) {
    if ((bytes[bit >> 3]! >> (7 - (bit & 7))) & 1) return false;
  }
  return true;
}

/** Whether `ip` lies in `cidr`; addresses of the other family never do. */
export function inCidr(ip: Uint8Array, cidr: Cidr): boolean {
  if (ip.length !== cidr.bytes.length) return false;
  const whole = cidr.prefix >> 3;
  for (let i = 0; i < whole; i++) if (ip[i] !== cidr.bytes[i]) return false;
  const rest = cidr.prefix & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return (ip[whole]! & mask) === (cidr.bytes[whole]! & mask);
}

/** Dotted quad of 4 bytes (used to name the IPv4 address embedded in an IPv6 one). */
export function formatIpv4(bytes: Uint8Array): string {
  return Array.from(bytes.subarray(0, 4)).join('.');
}

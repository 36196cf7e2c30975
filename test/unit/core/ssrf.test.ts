import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseIp } from '../../../lambdas/core/ip.js';
import {
  allowListFromEnv,
  classifyIp,
  isAllowed,
  parseAllowList,
  screenAddress,
} from '../../../lambdas/core/ssrf.js';

const octet = fc.integer({ min: 0, max: 255 });
const v4In = (first: number, secondMin = 0, secondMax = 255) =>
  fc
    .tuple(fc.integer({ min: secondMin, max: secondMax }), octet, octet)
    .map(([b, c, d]) => `${first}.${b}.${c}.${d}`);

// First octets none of whose addresses fall in a special-purpose range: always publicly routable.
const PUBLIC_FIRST_OCTETS = [
  ...Array.from({ length: 223 }, (_, i) => i + 1).filter(
    (n) => ![10, 100, 127, 169, 172, 192, 198, 203].includes(n),
  ),
];
const publicV4 = fc
  .tuple(fc.constantFrom(...PUBLIC_FIRST_OCTETS), octet, octet, octet)
  .map((parts) => parts.join('.'));

const groups = fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 8, maxLength: 8 });
const hex = (g: number[]) => g.map((n) => n.toString(16)).join(':');

describe('classifyIp properties', () => {
  it.each([
    ['10/8', v4In(10), 'a private address'],
    ['127/8', v4In(127), 'a loopback address'],
    ['172.16/12', v4In(172, 16, 31), 'a private address'],
    ['192.168/16', v4In(192, 168, 168), 'a private address'],
    ['100.64/10', v4In(100, 64, 127), 'a carrier-grade NAT address'],
    ['0/8', v4In(0), 'a "this network" address'],
  ])('blocks every address in %s', (_, addresses, reason) => {
    fc.assert(
      fc.property(addresses, (ip) => {
        expect(classifyIp(ip)).toEqual({ blocked: true, reason });
      }),
    );
  });

  it('blocks all of 169.254/16, naming the metadata address', () => {
    fc.assert(
      fc.property(v4In(169, 254, 254), (ip) => {
        const verdict = classifyIp(ip);
        expect(verdict.blocked).toBe(true);
        expect(verdict.reason).toMatch(ip === '169.254.169.254' ? /metadata/ : /link-local/);
      }),
    );
  });

  it('allows random public IPv4 addresses', () => {
    fc.assert(
      fc.property(publicV4, (ip) => {
        expect(classifyIp(ip)).toEqual({ blocked: false });
      }),
    );
  });

  it('judges an IPv4-mapped IPv6 address like its IPv4 address, in dotted and hex form', () => {
    fc.assert(
      fc.property(fc.tuple(octet, octet, octet, octet), ([a, b, c, d]) => {
        const v4 = classifyIp(`${a}.${b}.${c}.${d}`).blocked;
        const hi = ((a << 8) | b).toString(16);
        const lo = ((c << 8) | d).toString(16);
        expect(classifyIp(`::ffff:${a}.${b}.${c}.${d}`).blocked).toBe(v4);
        expect(classifyIp(`[::ffff:${hi}:${lo}]`).blocked).toBe(v4);
      }),
    );
  });

  it('blocks every address in fe80::/10, fc00::/7 and ff00::/8', () => {
    const inRange = (prefix: number, mask: number) =>
      groups.map((g) => hex([(g[0]! & ~mask & 0xffff) | prefix, ...g.slice(1)]));
    fc.assert(
      fc.property(
        fc.oneof(inRange(0xfe80, 0xffc0), inRange(0xfc00, 0xfe00), inRange(0xff00, 0xff00)),
        (ip) => {
          expect(classifyIp(ip).blocked).toBe(true);
        },
      ),
    );
  });

  it('parses every IPv4 and IPv6 literal fast-check makes, compressed or not, the same way', () => {
    fc.assert(
      fc.property(fc.ipV4(), fc.ipV6(), (v4, v6) => {
        expect(parseIp(v4)).toHaveLength(4);
        expect(parseIp(v6)).toHaveLength(16);
      }),
    );
    fc.assert(
      fc.property(groups, fc.integer({ min: 0, max: 7 }), fc.integer({ min: 1, max: 8 }), (g, at, len) => {
        const zeroed = g.map((n, i) => (i >= at && i < at + len ? 0 : n));
        const count = Math.min(len, 8 - at);
        const compressed = `${hex(zeroed.slice(0, at))}::${hex(zeroed.slice(at + count))}`;
        expect(parseIp(compressed)).toEqual(parseIp(hex(zeroed)));
      }),
    );
  });
});

describe('classifyIp examples', () => {
  it.each([
    ['::1', 'a loopback address'],
    ['[::1]', 'a loopback address'],
    ['::', 'the unspecified address'],
    ['fe80::1%eth0', 'a link-local address'],
    ['fd00:ec2::254', 'the cloud instance metadata address'],
    ['fd12:3456::1', 'a unique local (private) address'],
    ['ff02::1', 'a multicast address'],
    ['2001:db8::1', 'a documentation address'],
    ['64:ff9b::7f00:1', 'a loopback address (127.0.0.1, NAT64)'],
    ['2002:a00:1::', 'a private address (10.0.0.1, 6to4)'],
    ['::ffff:127.0.0.1', 'a loopback address (127.0.0.1, IPv4-mapped)'],
    ['255.255.255.255', 'the broadcast address'],
    ['224.0.0.251', 'a multicast address'],
    ['192.0.2.10', 'a documentation address'],
    ['198.18.0.1', 'a benchmarking address'],
    ['010.0.0.1', 'not an IP address'],
    ['example.com', 'not an IP address'],
  ])('blocks %s as %s', (ip, reason) => {
    expect(classifyIp(ip)).toEqual({ blocked: true, reason });
  });

  it.each(['8.8.8.8', '1.1.1.1', '2606:4700:4700::1111', '2a00:1450:4001:81c::200e', '64:ff9b::808:808'])(
    'allows %s',
    (ip) => {
      expect(classifyIp(ip)).toEqual({ blocked: false });
    },
  );
});

describe('allow lists', () => {
  it('lets every address of an allow-listed range through, mapped IPv6 included', () => {
    const allow = parseAllowList(['10.0.0.0/8']);
    fc.assert(
      fc.property(v4In(10), (ip) => {
        expect(screenAddress('internal', ip, allow)).toEqual({ blocked: false });
        expect(isAllowed(`::ffff:${ip}`, allow)).toBe(true);
      }),
    );
    expect(screenAddress('internal', '11.0.0.1', allow).blocked).toBe(false);
    expect(screenAddress('internal', '192.168.0.1', allow).blocked).toBe(true);
  });

  it('matches exact IPs, hostnames (any case, trailing dot) and *.domain suffixes', () => {
    const allow = allowListFromEnv(' 127.0.0.1, [::1]\nInternal.Example.com *.svc.local ');

    expect(isAllowed('127.0.0.1', allow)).toBe(true);
    expect(isAllowed('127.0.0.2', allow)).toBe(false);
    expect(isAllowed('::1', allow)).toBe(true);
    expect(isAllowed('internal.example.com.', allow)).toBe(true);
    expect(isAllowed('other.example.com', allow)).toBe(false);
    expect(isAllowed('api.ns.svc.local', allow)).toBe(true);
    expect(isAllowed('svc.local', allow)).toBe(false);
    expect(screenAddress('internal.example.com', '10.1.2.3', allow)).toEqual({ blocked: false });
  });

  it('refuses entries that are neither CIDR, IP nor hostname, naming them', () => {
    expect(() => parseAllowList(['10.0.0.0/33'])).toThrow(/'10.0.0.0\/33'/);
    expect(() => parseAllowList(['10.1.2.3/8'])).toThrow(/not a CIDR/);
    expect(() => parseAllowList(['10.0.0'])).toThrow(/not a CIDR/);
    expect(() => parseAllowList(['http://x'])).toThrow(/not a CIDR/);
    expect(allowListFromEnv(undefined)).toEqual({ cidrs: [], hosts: new Set(), domainSuffixes: [] });
  });
});

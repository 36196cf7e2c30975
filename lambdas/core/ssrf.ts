/**
 * The SSRF rules of `http` targets: which IP addresses a job may not reach (private, loopback, link-local, cloud
 * metadata, multicast, reserved…) and the operator's allow list (`KAIROS_HTTP_ALLOW`) that lifts the rule for
 * chosen ranges and hosts. Pure; the adapters apply it at create time and again at connect time.
 */
import { type Cidr, formatIpv4, inCidr, mappedIpv4, parseCidr, parseIp } from './ip.js';

/** Whether an address may be reached, and if not, why (a noun phrase: "a loopback address"). */
export interface IpVerdict {
  readonly blocked: boolean;
  readonly reason?: string;
}

/** A parsed allow list: ranges (exact IPs are /32 or /128), exact hostnames and `*.domain` suffixes. */
export interface AllowList {
  readonly cidrs: readonly Cidr[];
  readonly hosts: ReadonlySet<string>;
  /** From `*.example.com` entries, stored as `.example.com`. */
  readonly domainSuffixes: readonly string[];
}

type Rule = readonly [range: Cidr, reason: string | 'embedded-v4'];

const rules = (entries: readonly (readonly [string, string])[]): Rule[] =>
  entries.map(([range, reason]) => [parseCidr(range)!, reason]);

// First match wins, so the specific ranges come before the ranges that contain them.
const V4_RULES = rules([
  ['0.0.0.0/8', 'a "this network" address'],
  ['10.0.0.0/8', 'a private address'],
  ['100.64.0.0/10', 'a carrier-grade NAT address'],
  ['127.0.0.0/8', 'a loopback address'],
  ['169.254.169.254/32', 'the cloud instance metadata address'],
  ['169.254.0.0/16', 'a link-local address'],
  ['172.16.0.0/12', 'a private address'],
  ['192.0.0.0/24', 'an IETF protocol assignment address'],
  ['192.0.2.0/24', 'a documentation address'],
  ['192.88.99.0/24', 'a 6to4 relay anycast address'],
  ['192.168.0.0/16', 'a private address'],
  ['198.18.0.0/15', 'a benchmarking address'],
  ['198.51.100.0/24', 'a documentation address'],
  ['203.0.113.0/24', 'a documentation address'],
  ['224.0.0.0/4', 'a multicast address'],
  ['255.255.255.255/32', 'the broadcast address'],
  ['240.0.0.0/4', 'a reserved address'],
]);

const V6_RULES = rules([
  ['::/128', 'the unspecified address'],
  ['::1/128', 'a loopback address'],
  // Translation prefixes carry an IPv4 address that decides the verdict.
  ['::ffff:0:0/96', 'embedded-v4'],
  ['64:ff9b::/96', 'embedded-v4'],
  ['::/96', 'an IPv4-compatible address (deprecated)'],
  ['64:ff9b:1::/48', 'a local-use NAT64 address'],
  ['100::/64', 'a discard-only address'],
  ['2001::/32', 'a Teredo tunnelling address'],
  ['2001:db8::/32', 'a documentation address'],
  ['fd00:ec2::254/128', 'the cloud instance metadata address'],
  ['fc00::/7', 'a unique local (private) address'],
  ['fe80::/10', 'a link-local address'],
  ['fec0::/10', 'a site-local address (deprecated)'],
  ['ff00::/8', 'a multicast address'],
]);

const GLOBAL_UNICAST_V6 = parseCidr('2000::/3')!;
const SIX_TO_FOUR = parseCidr('2002::/16')!;

function classifyV4(bytes: Uint8Array): IpVerdict {
  const rule = V4_RULES.find(([range]) => inCidr(bytes, range));
  return rule === undefined ? { blocked: false } : { blocked: true, reason: rule[1] };
}

function classifyEmbedded(v4: Uint8Array, kind: string): IpVerdict {
  const inner = classifyV4(v4);
  return inner.blocked ? { blocked: true, reason: `${inner.reason} (${formatIpv4(v4)}, ${kind})` } : inner;
}

function classifyV6(bytes: Uint8Array): IpVerdict {
  const rule = V6_RULES.find(([range]) => inCidr(bytes, range));
  if (rule?.[1] === 'embedded-v4') {
    return classifyEmbedded(bytes.slice(12), mappedIpv4(bytes) ? 'IPv4-mapped' : 'NAT64');
  }
  if (rule !== undefined) return { blocked: true, reason: rule[1] };
  if (inCidr(bytes, SIX_TO_FOUR)) return classifyEmbedded(bytes.slice(2, 6), '6to4');
  if (!inCidr(bytes, GLOBAL_UNICAST_V6)) return { blocked: true, reason: 'a reserved address' };
  return { blocked: false };
}

/**
 * Classifies an IP literal (`10.0.0.1`, `::ffff:127.0.0.1`, `[::1]`, `fe80::1%eth0`). Fails closed: text that is
 * not an IP literal is blocked too.
 */
export function classifyIp(ip: string): IpVerdict {
  const bytes = parseIp(ip);
  if (bytes === undefined) return { blocked: true, reason: 'not an IP address' };
  return bytes.length === 4 ? classifyV4(bytes) : classifyV6(bytes);
}

const LABEL = /^(?!-)[a-z0-9_-]{1,63}(?<!-)$/;

/** Lower case without the trailing dot, so `Example.COM.` and `example.com` are one host. */
export function normalizeHost(host: string): string {
  const h = host.trim().toLowerCase();
  return h.endsWith('.') ? h.slice(0, -1) : h;
}

function isHostname(host: string): boolean {
  const labels = host.split('.');
  // An all-digit last label is a mistyped address (`10.0.0`), never a top-level domain.
  return host.length <= 253 && labels.every((l) => LABEL.test(l)) && !/^\d+$/.test(labels.at(-1)!);
}

/**
 * Parses allow-list entries: CIDRs (`10.0.0.0/8`, `fd00::/8`), exact IPs (`127.0.0.1`, `[::1]`), hostnames
 * (`internal.example.com`) and subdomain wildcards (`*.corp.example.com`). Throws naming the first bad entry,
 * since a silently ignored entry would leave an operator wondering why a job is refused.
 */
export function parseAllowList(entries: readonly string[]): AllowList {
  const cidrs: Cidr[] = [];
  const hosts = new Set<string>();
  const domainSuffixes: string[] = [];
  for (const raw of entries) {
    const entry = raw.trim();
    if (entry === '') continue;
    const cidr = parseCidr(entry);
    const host = normalizeHost(entry);
    if (cidr !== undefined) cidrs.push(cidr);
    else if (host.startsWith('*.') && isHostname(host.slice(2))) domainSuffixes.push(host.slice(1));
    else if (isHostname(host)) hosts.add(host);
    else {
      throw new Error(
        `Allow-list entry '${entry}' is not a CIDR (10.0.0.0/8), an IP address, a hostname or *.domain`,
        { cause: { package: 'kairos/ssrf' } },
      );
    }
  }
  return { cidrs, hosts, domainSuffixes };
}

/** The allow list of a `KAIROS_HTTP_ALLOW`-style value: entries separated by commas or whitespace. */
export function allowListFromEnv(value: string | undefined): AllowList {
  return parseAllowList((value ?? '').split(/[\s,]+/));
}

/** An allow list that allows nothing. */
export const EMPTY_ALLOW_LIST: AllowList = parseAllowList([]);

/** Whether a host name or IP literal is on the allow list (an IPv4-mapped IPv6 address matches IPv4 ranges). */
export function isAllowed(hostOrIp: string, allowList: AllowList): boolean {
  const bytes = parseIp(hostOrIp);
  if (bytes !== undefined) {
    const v4 = mappedIpv4(bytes);
    return allowList.cidrs.some((c) => inCidr(bytes, c) || (v4 !== undefined && inCidr(v4, c)));
  }
  const host = normalizeHost(hostOrIp);
  return allowList.hosts.has(host) || allowList.domainSuffixes.some((suffix) => host.endsWith(suffix));
}

/**
 * The verdict for connecting to `address` on behalf of `host`: allowed when either the host name or the
 * address is allow-listed, or when the address is not in a blocked range.
 */
export function screenAddress(host: string, address: string, allowList: AllowList): IpVerdict {
  if (isAllowed(host, allowList) || isAllowed(address, allowList)) return { blocked: false };
  return classifyIp(address);
}

/** The user-facing sentence for a refused address, shared by the create-time and connect-time checks. */
export function refusalMessage(address: string, reason: string): string {
  return (
    `resolves to ${address}, ${reason}; http targets may not reach private, loopback or link-local ` +
    'addresses unless allow-listed (KAIROS_HTTP_ALLOW)'
  );
}

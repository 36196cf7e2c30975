/**
 * The SSRF guard of `http` targets, applied twice: `createHttpTargetGuard` when a job is saved (so the user
 * hears about a private address at once) and `guardedLookup` when the executor connects (so a DNS answer that
 * changed since — DNS rebinding — cannot slip a private address past the first check).
 */
import dns from 'node:dns';
import type { LookupFunction } from 'node:net';
import { type FieldProblem, KairosError } from '../../core/errors.js';
import { parseIp } from '../../core/ip.js';
import { type AllowList, isAllowed, refusalMessage, screenAddress } from '../../core/ssrf.js';
import type { TargetGuard } from '../../ports.js';

/** A connection refused by the SSRF guard; never retryable, since the same address will be refused again. */
export class SsrfBlockedError extends KairosError {
  override readonly status = 400;
  override readonly slug = 'ssrf-blocked';

  constructor(
    readonly host: string,
    readonly address: string,
    reason: string,
  ) {
    super(`${host} ${refusalMessage(address, reason)}`);
  }
}

export interface GuardedLookupOptions {
  readonly allowList: AllowList;
  /** The resolver to guard. @default dns.lookup */
  readonly lookup?: LookupFunction;
}

const systemLookup: LookupFunction = (hostname, options, callback) => dns.lookup(hostname, options, callback);

/**
 * A `dns.lookup`-compatible function for `http.request({ lookup })` that resolves every address of the host and
 * fails with `SsrfBlockedError` when any of them is blocked and not allow-listed. Refusing the whole answer
 * (rather than filtering it) keeps the connect-time rule identical to the create-time one.
 */
export function guardedLookup(options: GuardedLookupOptions): LookupFunction {
  const { allowList } = options;
  const lookup = options.lookup ?? systemLookup;
  return (hostname, lookupOptions, callback) => {
    lookup(hostname, { ...lookupOptions, all: true }, (error, result, family) => {
      if (error) return callback(error, '');
      const addresses =
        typeof result === 'string'
          ? [{ address: result, family: family ?? (result.includes(':') ? 6 : 4) }]
          : result;
      if (addresses.length === 0) {
        return callback(Object.assign(new Error(`${hostname} has no addresses`), { code: 'ENOTFOUND' }), '');
      }
      for (const { address } of addresses) {
        const verdict = screenAddress(hostname, address, allowList);
        if (verdict.blocked) return callback(new SsrfBlockedError(hostname, address, verdict.reason!), '');
      }
      if (lookupOptions.all) return callback(null, addresses);
      return callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
}

export interface HttpTargetGuardOptions {
  readonly allowList: AllowList;
  /** Every address of a host name. @default dns.lookup with `all: true` */
  readonly resolve?: (host: string) => Promise<readonly string[]>;
  /** How long a lookup may take before the host counts as not resolving. @default 2000 */
  readonly resolveTimeoutMs?: number;
  /**
   * How long an answer (or a failure) is reused for the same host, so a burst of creates toward one host costs
   * one lookup, and an unresolvable name costs the timeout once, not per request. @default 60_000
   */
  readonly cacheTtlMs?: number;
}

const systemResolve = async (host: string): Promise<readonly string[]> =>
  (await dns.promises.lookup(host, { all: true })).map((a) => a.address);

async function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The create-time `TargetGuard`: for `http` targets, resolves the URL's host (IP literals as they are, names
 * through the system resolver) and reports a problem at `<path>.url` for a blocked address. A name that does not
 * resolve here is accepted: it may resolve only where the dispatcher runs (a private hosted zone in its VPC), and
 * every request is screened again at connect time. Other target types have nothing to check.
 */
export function createHttpTargetGuard(options: HttpTargetGuardOptions): TargetGuard {
  const { allowList, resolve = systemResolve, resolveTimeoutMs = 2000, cacheTtlMs = 60_000 } = options;
  const cache = new Map<string, { readonly until: number; readonly addresses: Promise<readonly string[]> }>();
  const lookup = (host: string): Promise<readonly string[]> => {
    const now = Date.now();
    const hit = cache.get(host);
    if (hit && hit.until > now) return hit.addresses;
    const addresses = withTimeout(resolve(host), resolveTimeoutMs, `resolving ${host}`).catch(
      (): readonly string[] => [], // not resolvable from here: left to the connect-time check
    );
    if (cache.size > 10_000) cache.clear(); // bounded: a cache, not a record
    cache.set(host, { until: now + cacheTtlMs, addresses });
    return addresses;
  };
  return {
    async check(target, path) {
      if (target.type !== 'http') return [];
      const problem = (message: string): FieldProblem[] => [{ path: `${path}.url`, message }];
      if (!URL.canParse(target.url)) return problem('must be an absolute http(s) URL');
      const host = new URL(target.url).hostname;
      if (isAllowed(host, allowList)) return [];
      let addresses: readonly string[];
      if (parseIp(host) !== undefined) {
        addresses = [host.replace(/^\[|\]$/g, '')];
      } else {
        addresses = await lookup(host);
      }
      for (const address of addresses) {
        const verdict = screenAddress(host, address, allowList);
        if (verdict.blocked) return problem(refusalMessage(address, verdict.reason!));
      }
      return [];
    },
  };
}

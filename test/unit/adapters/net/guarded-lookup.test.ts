import type { LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { describe, expect, it } from 'vitest';
import {
  createHttpTargetGuard,
  guardedLookup,
  SsrfBlockedError,
} from '../../../../lambdas/adapters/net/guarded-lookup.js';
import { EMPTY_ALLOW_LIST, parseAllowList } from '../../../../lambdas/core/ssrf.js';

/** A resolver answering from a table, like DNS would (no network). */
const fakeLookup =
  (answers: Record<string, string[]>): LookupFunction =>
  (hostname, _options, callback) => {
    const addresses = answers[hostname];
    if (addresses === undefined) {
      callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), '');
    } else {
      callback(
        null,
        addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
      );
    }
  };

const DNS = {
  'public.test': ['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c'],
  'rebound.test': ['93.184.215.14', '10.0.0.7'],
  'internal.test': ['10.1.2.3'],
  'empty.test': [],
};

const resolve = (lookup: LookupFunction, host: string, all: boolean) =>
  new Promise<{ error: NodeJS.ErrnoException | null; address: string | LookupAddress[]; family?: number }>(
    (done) => lookup(host, { all }, (error, address, family) => done({ error, address, family })),
  );

describe('guardedLookup', () => {
  const lookup = guardedLookup({ allowList: EMPTY_ALLOW_LIST, lookup: fakeLookup(DNS) });

  it('passes public answers through in the form asked for', async () => {
    expect(await resolve(lookup, 'public.test', false)).toEqual({
      error: null,
      address: '93.184.215.14',
      family: 4,
    });
    expect((await resolve(lookup, 'public.test', true)).address).toHaveLength(2);
  });

  it('refuses the whole answer when one address is private (DNS rebinding)', async () => {
    const { error } = await resolve(lookup, 'rebound.test', true);

    expect(error).toBeInstanceOf(SsrfBlockedError);
    expect(error).toMatchObject({ host: 'rebound.test', address: '10.0.0.7', retryable: false });
    expect(error?.message).toBe(
      'rebound.test resolves to 10.0.0.7, a private address; http targets may not reach private, loopback or ' +
        'link-local addresses unless allow-listed (KAIROS_HTTP_ALLOW)',
    );
  });

  it('lets allow-listed hosts and ranges resolve to private addresses', async () => {
    const byHost = guardedLookup({ allowList: parseAllowList(['internal.test']), lookup: fakeLookup(DNS) });
    const byRange = guardedLookup({ allowList: parseAllowList(['10.0.0.0/8']), lookup: fakeLookup(DNS) });

    expect((await resolve(byHost, 'internal.test', false)).error).toBeNull();
    expect((await resolve(byRange, 'rebound.test', true)).error).toBeNull();
  });

  it('passes resolver errors on and treats an empty answer as not found', async () => {
    expect((await resolve(lookup, 'missing.test', false)).error).toMatchObject({ code: 'ENOTFOUND' });
    expect((await resolve(lookup, 'empty.test', false)).error).toMatchObject({ code: 'ENOTFOUND' });
  });
});

describe('createHttpTargetGuard', () => {
  const table = async (host: string) => {
    const addresses = DNS[host as keyof typeof DNS];
    if (addresses === undefined) throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
    return addresses;
  };
  const guard = createHttpTargetGuard({ allowList: EMPTY_ALLOW_LIST, resolve: table });
  const http = (url: string) => ({ type: 'http' as const, url, method: 'POST' as const });

  it('reports a private address among the answers at <path>.url', async () => {
    expect(await guard.check(http('https://rebound.test/hook'), '$.tasks[1].target')).toEqual([
      {
        path: '$.tasks[1].target.url',
        message: expect.stringMatching(/^resolves to 10\.0\.0\.7, a private address; /),
      },
    ]);
    expect(await guard.check(http('https://public.test/hook'), '$.target')).toEqual([]);
  });

  it('leaves hosts that do not resolve here (or not in time) to the connect-time check', async () => {
    const slow = createHttpTargetGuard({
      allowList: EMPTY_ALLOW_LIST,
      resolve: () => new Promise(() => {}),
      resolveTimeoutMs: 20,
    });

    expect(await guard.check(http('http://missing.test/'), '$.target')).toEqual([]);
    expect(await guard.check(http('http://empty.test/'), '$.target')).toEqual([]);
    expect(await slow.check(http('http://public.test/'), '$.target')).toEqual([]);
  });

  it('checks IP literals without resolving them', async () => {
    const never = createHttpTargetGuard({
      allowList: EMPTY_ALLOW_LIST,
      resolve: () => Promise.reject(new Error('must not resolve')),
    });

    expect(await never.check(http('http://[fd00:ec2::254]/'), '$.target')).toEqual([
      {
        path: '$.target.url',
        message: expect.stringContaining('fd00:ec2::254, the cloud instance metadata'),
      },
    ]);
    expect(await never.check(http('http://93.184.215.14/'), '$.target')).toEqual([]);
  });

  it("reuses a host's answer (or failure) for the cache period", async () => {
    const asked: string[] = [];
    const cached = createHttpTargetGuard({
      allowList: EMPTY_ALLOW_LIST,
      resolve: async (host) => {
        asked.push(host);
        return host === 'inside.test' ? ['10.1.2.3'] : [];
      },
    });
    for (let i = 0; i < 3; i++) {
      expect(await cached.check(http('https://inside.test/a'), '$.target')).toHaveLength(1);
      expect(await cached.check(http('https://nowhere.test/b'), '$.target')).toEqual([]);
    }
    expect(asked).toEqual(['inside.test', 'nowhere.test']);
  });

  it('has nothing to say about other target types', async () => {
    expect(await guard.check({ type: 'lambda', functionArn: 'fn' }, '$.target')).toEqual([]);
  });
});

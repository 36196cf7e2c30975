import { describe, expect, it } from 'vitest';
import {
  createTokenStore,
  type KeyValueStore,
  tokenFromFragment,
} from '../../../dashboard/src/auth/token.js';
import { parseConfig } from '../../../dashboard/src/config.js';
import { hrefs, parseRoute, sectionOf } from '../../../dashboard/src/routes.js';

describe('dashboard routes, sign-in link and config', () => {
  it('parses every hash route and round-trips ids through hrefs', () => {
    expect(parseRoute('')).toEqual({ page: 'jobs' });
    expect(parseRoute('#/')).toEqual({ page: 'jobs' });
    expect(parseRoute('#/jobs')).toEqual({ page: 'jobs' });
    expect(parseRoute('#/sla')).toEqual({ page: 'sla' });
    expect(parseRoute('#/overview?x=1')).toEqual({ page: 'overview' });
    expect(parseRoute(hrefs.job('job_1'))).toEqual({ page: 'job', jobId: 'job_1' });
    expect(parseRoute(hrefs.run('run/odd id'))).toEqual({ page: 'run', runId: 'run/odd id' });
    expect(parseRoute('#/runs/%E0%A4%A')).toEqual({ page: 'notFound', path: '/runs/%E0%A4%A' });
    expect(parseRoute('#/nope')).toEqual({ page: 'notFound', path: '/nope' });
    expect(sectionOf({ page: 'run', runId: 'r' })).toBe('jobs');
    expect(sectionOf({ page: 'notFound', path: '/x' })).toBeUndefined();
  });

  it('takes the token from a #token= link and keeps it per tab', () => {
    expect(tokenFromFragment('#token=kairos_abc')).toBe('kairos_abc');
    expect(tokenFromFragment('#token=kairos%5Fabc&x=1')).toBe('kairos_abc');
    expect(tokenFromFragment('#/jobs')).toBeUndefined();
    expect(tokenFromFragment('#token=')).toBeUndefined();
    const map = new Map<string, string>();
    const storage: KeyValueStore = {
      getItem: (k) => map.get(k) ?? null,
      setItem: (k, v) => void map.set(k, v),
      removeItem: (k) => void map.delete(k),
    };
    const store = createTokenStore(storage);
    store.set(' t1 ');
    expect(store.get()).toBe('t1');
    store.clear();
    expect(store.get()).toBeUndefined();
  });

  it('reads the config the server fills in, and falls back to tokens for a page served without one', () => {
    expect(parseConfig('{"auth":"proxy"}')).toEqual({ auth: 'proxy' });
    expect(parseConfig('{"auth":"iam"}')).toEqual({ auth: 'iam' });
    expect(parseConfig('{"auth":"cognito","cognito":{"region":"eu-west-1","clientId":"c1"}}')).toEqual({
      auth: 'cognito',
      cognito: { region: 'eu-west-1', clientId: 'c1' },
    });
    expect(parseConfig('%KAIROS_CONFIG' + '%')).toEqual({ auth: 'token' });
    expect(parseConfig(undefined)).toEqual({ auth: 'token' });
    expect(parseConfig('{"auth":"magic"}')).toEqual({ auth: 'token' });
    expect(() => parseConfig('{"auth":"cognito"}')).toThrow(/no user pool client/);
  });
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { regionOf, resolveTarget } from '../../../bin/cli/target.js';

const home = mkdtempSync(join(tmpdir(), 'kairos-cli-target-'));
writeFileSync(join(home, 'token'), 'kairos_fromfile\n');
afterAll(() => rmSync(home, { recursive: true, force: true }));

const request = { method: 'GET', url: new URL('http://x/v1/jobs'), headers: {} };
const target = (env: NodeJS.ProcessEnv, endpoint?: string) =>
  resolveTarget({ endpoint, home, env, usage: 'u' });

describe('resolveTarget', () => {
  it('without an endpoint: the local runtime on KAIROS_PORT (8787) with the token from $KAIROS_HOME/token', async () => {
    const local = target({});
    expect(local).toMatchObject({ baseUrl: 'http://127.0.0.1:8787', local: true });
    expect(await local.authorize(request)).toEqual({ authorization: 'Bearer kairos_fromfile' });
    expect(target({ KAIROS_PORT: '9000' }).baseUrl).toBe('http://127.0.0.1:9000');
  });

  it('KAIROS_TOKEN wins over the file; no token at all sends none (the 401 says what to do)', async () => {
    expect(await target({ KAIROS_TOKEN: 'kairos_env' }).authorize(request)).toEqual({
      authorization: 'Bearer kairos_env',
    });
    const empty = resolveTarget({ home: join(home, 'none'), env: {}, usage: '' });
    expect(await empty.authorize(request)).toEqual({});
  });

  it('an endpoint (flag before KAIROS_ENDPOINT) keeps its stage path and loses a trailing slash, query and hash', () => {
    const t = target(
      { KAIROS_ENDPOINT: 'https://other', AWS_REGION: 'eu-west-1' },
      'https://h.example/prod/?x=1#y',
    );
    expect(t).toMatchObject({ baseUrl: 'https://h.example/prod', local: false });
    expect(target({ KAIROS_ENDPOINT: 'https://e.example', AWS_REGION: 'x' }).baseUrl).toBe(
      'https://e.example',
    );
  });

  it('with an endpoint, KAIROS_TOKEN is sent as is (Cognito), or as a bearer token when it is a local one', async () => {
    const cognito = target({ KAIROS_TOKEN: 'eyJraWQ.abc.def' }, 'https://api.example');
    expect(await cognito.authorize(request)).toEqual({ authorization: 'eyJraWQ.abc.def' });
    const local = target({ KAIROS_TOKEN: 'kairos_abc' }, 'http://127.0.0.1:9999');
    expect(await local.authorize(request)).toEqual({ authorization: 'Bearer kairos_abc' });
  });

  it('refuses an endpoint that is not an http(s) URL, and SigV4 without a region', () => {
    expect(() => target({}, 'api.example.com')).toThrow('--endpoint must be a URL');
    expect(() => target({}, 'ftp://api.example.com')).toThrow('--endpoint must be an http(s) URL');
    expect(() => target({}, 'https://api.example.com')).toThrow(
      /cannot tell the AWS region of api\.example\.com/,
    );
  });
});

describe('regionOf', () => {
  const url = (host: string) => new URL(`https://${host}/prod`);

  it('reads the region of an execute-api host, before any environment variable', () => {
    expect(regionOf(url('abc123.execute-api.eu-central-1.amazonaws.com'), { AWS_REGION: 'us-east-1' })).toBe(
      'eu-central-1',
    );
    expect(regionOf(url('abc.execute-api.cn-north-1.amazonaws.com.cn'), {})).toBe('cn-north-1');
  });

  it('falls back to AWS_REGION, then AWS_DEFAULT_REGION, for other hosts', () => {
    expect(regionOf(url('kairos.example.com'), { AWS_REGION: 'us-east-1', AWS_DEFAULT_REGION: 'x' })).toBe(
      'us-east-1',
    );
    expect(regionOf(url('kairos.example.com'), { AWS_DEFAULT_REGION: 'ap-south-1' })).toBe('ap-south-1');
    expect(regionOf(url('kairos.example.com'), { AWS_REGION: '' })).toBeUndefined();
  });
});

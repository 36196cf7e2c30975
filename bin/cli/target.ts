import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from './errors.js';

/** A request as it will go on the wire, for whoever adds credentials to it. */
export interface OutgoingRequest {
  readonly method: string;
  readonly url: URL;
  readonly headers: Record<string, string>;
  readonly body?: string;
}

/** Where the API is and how to prove who we are to it. */
export interface ApiTarget {
  /** Base URL without a trailing slash; an API Gateway stage path (`/prod`) is kept. */
  readonly baseUrl: string;
  /** The local runtime (no endpoint given): its errors point at `kairos local`. */
  readonly local: boolean;
  /** Headers to add to a request: a bearer token, or a SigV4 signature. */
  authorize(request: OutgoingRequest): Promise<Record<string, string>>;
}

export interface TargetOptions {
  readonly endpoint?: string;
  readonly home: string;
  readonly env: NodeJS.ProcessEnv;
  readonly usage: string;
}

/** Local tokens (lambdas/local/tokens.ts) start like this; Cognito ID tokens are JWTs (`eyJ…`). */
const LOCAL_TOKEN_PREFIX = 'kairos_';

function readTokenFile(home: string): string | undefined {
  try {
    return readFileSync(join(home, 'token'), 'utf8').trim() || undefined;
  } catch {
    // No token file: the request goes without one and the runtime's 401 says what to do.
    return undefined;
  }
}

const bearer = (token: string | undefined) => async () =>
  token ? { authorization: `Bearer ${token}` } : ({} as Record<string, string>);

/**
 * The contract (issue 7): without an endpoint, the local runtime on 127.0.0.1:$KAIROS_PORT (8787) with the
 * token from KAIROS_TOKEN or $KAIROS_HOME/token. With `--endpoint`/KAIROS_ENDPOINT, a deployed stack: SigV4
 * with the default AWS credential chain, unless KAIROS_TOKEN is set — then that token is sent as is (a Cognito
 * ID token), or as a bearer token when it is a local one (a local runtime elsewhere).
 */
export function resolveTarget(options: TargetOptions): ApiTarget {
  const { env } = options;
  const endpoint = options.endpoint ?? env.KAIROS_ENDPOINT;
  if (endpoint === undefined || endpoint === '') {
    const port = env.KAIROS_PORT ?? '8787';
    return {
      baseUrl: `http://127.0.0.1:${port}`,
      local: true,
      authorize: bearer(env.KAIROS_TOKEN || readTokenFile(options.home)),
    };
  }
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new UsageError(`--endpoint must be a URL such as https://…/prod, got '${endpoint}'`, options.usage);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new UsageError(`--endpoint must be an http(s) URL, got '${endpoint}'`, options.usage);
  url.search = '';
  url.hash = '';
  const baseUrl = url.href.replace(/\/+$/, '');
  const token = env.KAIROS_TOKEN;
  if (token) {
    const header = token.startsWith(LOCAL_TOKEN_PREFIX) ? `Bearer ${token}` : token;
    return { baseUrl, local: false, authorize: async () => ({ authorization: header }) };
  }
  const region = regionOf(url, env);
  if (region === undefined) {
    throw new UsageError(
      `cannot tell the AWS region of ${url.host}: set AWS_REGION (or use the execute-api URL)`,
      options.usage,
    );
  }
  // Loaded on first use only: the AWS SDK takes a while to import and local commands never need it.
  let signer: Promise<(request: OutgoingRequest) => Promise<Record<string, string>>> | undefined;
  return {
    baseUrl,
    local: false,
    async authorize(request) {
      signer ??= import('./sigv4.js').then((m) => m.createSigner(region, env));
      return (await signer)(request);
    },
  };
}

/** `abc123.execute-api.eu-west-1.amazonaws.com` → eu-west-1; a custom domain → AWS_REGION/AWS_DEFAULT_REGION. */
export function regionOf(url: URL, env: NodeJS.ProcessEnv): string | undefined {
  const fromHost = /\.execute-api\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/.exec(url.hostname)?.[1];
  return fromHost ?? (env.AWS_REGION || env.AWS_DEFAULT_REGION || undefined);
}

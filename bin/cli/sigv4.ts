/**
 * SigV4 for a deployed stack: the API's IAM authorizer wants every request signed for `execute-api` with the
 * caller's credentials, found the way the AWS CLI finds them (env, SSO, profiles, container/instance roles).
 */
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { CliError } from './errors.js';
import type { OutgoingRequest } from './target.js';

export function createSigner(region: string, env: NodeJS.ProcessEnv) {
  const credentials = fromNodeProviderChain({ profile: env.AWS_PROFILE });
  const signer = new SignatureV4({
    service: 'execute-api',
    region,
    credentials,
    sha256: Hash.bind(null, 'sha256'),
  });
  return async (request: OutgoingRequest): Promise<Record<string, string>> => {
    const { url } = request;
    const query: Record<string, string | string[]> = {};
    for (const [key, value] of url.searchParams) {
      const seen = query[key];
      query[key] = seen === undefined ? value : [...[seen].flat(), value];
    }
    let signed: { headers: Record<string, string> };
    try {
      signed = await signer.sign({
        method: request.method,
        protocol: url.protocol,
        hostname: url.hostname,
        port: url.port ? Number(url.port) : undefined,
        // As on the wire (percent-encoded once); the signer encodes it again, as SigV4 wants for API Gateway.
        path: url.pathname,
        query,
        // `host` is signed, so it must be the one fetch sends: host[:port] of the URL.
        headers: { ...request.headers, host: url.host },
        body: request.body,
      });
    } catch (error) {
      throw new CliError(`cannot sign the request: ${(error as Error).message}`, { cause: error });
    }
    // fetch sets `host` itself (and refuses to be told); the rest travel as signed.
    const { host: _host, ...headers } = signed.headers;
    return headers;
  };
}

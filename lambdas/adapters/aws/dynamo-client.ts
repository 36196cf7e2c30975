/**
 * The DynamoDB document client used by every store adapter, configured in one place so the AWS and the local
 * runtime marshal items identically.
 */
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface DocumentClientOptions {
  /** Endpoint override, e.g. the embedded DynamoDB. @default - the regional AWS endpoint */
  readonly endpoint?: string;
  /** @default - from the environment (`AWS_REGION`) */
  readonly region?: string;
  /** @default - the default credential provider chain */
  readonly credentials?: DynamoDBClientConfig['credentials'];
}

/**
 * Builds a document client that drops `undefined` values (optional record fields) instead of failing.
 * Handlers call this once per cold start (at module scope) or use `sharedDocumentClient()`.
 */
export function createDocumentClient(options: DocumentClientOptions = {}): DynamoDBDocumentClient {
  const config: DynamoDBClientConfig = {};
  if (options.endpoint !== undefined) config.endpoint = options.endpoint;
  if (options.region !== undefined) config.region = options.region;
  if (options.credentials !== undefined) config.credentials = options.credentials;
  return DynamoDBDocumentClient.from(new DynamoDBClient(config), {
    marshallOptions: { removeUndefinedValues: true },
  });
}

let shared: DynamoDBDocumentClient | undefined;

/** A document client with default options, created on first use and reused for the life of the process. */
export function sharedDocumentClient(): DynamoDBDocumentClient {
  shared ??= createDocumentClient();
  return shared;
}

import { buildServices } from '../services/build-services.js';
import { buildAwsEngine } from './aws-engine.js';
import { createApiHandler } from './http/app.js';
import { readApiAuthConfig } from './http/callers.js';

/** Lambda entry point behind API Gateway: wiring only, done once per cold start. */
const { deps, config, allowList } = buildAwsEngine();

export const handler = createApiHandler({
  ...buildServices(deps, config.runtime, allowList, config.version),
  auth: readApiAuthConfig(process.env),
});

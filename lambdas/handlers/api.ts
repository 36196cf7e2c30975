import { buildServices } from '../services/build-services.js';
import { auditTrailFromEnv } from './aws-audit.js';
import { buildAwsEngine } from './aws-engine.js';
import { deployedDashboard } from './dashboard-file.js';
import { createApiHandler } from './http/app.js';
import { readApiAuthConfig } from './http/callers.js';

/** Lambda entry point behind API Gateway: wiring only, done once per cold start. */
const { deps, config, allowList } = buildAwsEngine();

export const handler = createApiHandler({
  ...buildServices(deps, config.runtime, allowList, config.version),
  audit: auditTrailFromEnv(process.env, {
    clock: deps.clock,
    stage: deps.stage,
    cursorSecret: config.cursorSecret,
  }),
  auth: readApiAuthConfig(process.env),
  dashboard: deployedDashboard(process.env),
});

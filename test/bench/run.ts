/**
 * `npm run bench`: runs every benchmark and prints one JSON line per figure. Figures are measured on whatever
 * machine runs this; compare ratios within one run rather than absolute numbers across machines.
 */
import benchApiCreate from './api-create.js';
import benchAwsRequests from './aws-requests.js';
import benchBackfill from './backfill.js';
import benchCron from './cron.js';
import benchCronPickup from './cron-pickup.js';
import benchDag from './dag.js';
import benchDashboard from './dashboard.js';
import benchExecution from './execution.js';
import benchIdleCost from './idle-cost.js';
import benchLambdaBundles from './lambda-bundles.js';
import type { BenchLine } from './types.js';
import benchValidation from './validation.js';

const benches: Array<[string, () => Promise<BenchLine[]>]> = [
  ['cron', benchCron],
  ['backfill', benchBackfill],
  ['validation', benchValidation],
  ['api-create', benchApiCreate],
  ['execution', benchExecution],
  ['cron-pickup', benchCronPickup],
  ['aws-requests', benchAwsRequests],
  ['dag', benchDag],
  ['lambda-bundles', benchLambdaBundles],
  ['idle-cost', benchIdleCost],
  ['dashboard', benchDashboard],
];

const only = process.argv.slice(2);
for (const [name, bench] of benches) {
  if (only.length > 0 && !only.includes(name)) continue;
  for (const line of await bench()) console.log(JSON.stringify({ ...line, node: process.version }));
}

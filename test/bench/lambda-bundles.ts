/**
 * Size and cold module-init time of every Lambda bundle the default stack deploys (`npm run bench lambda-bundles`).
 * Each function's entry is bundled exactly as `KairosFunction` bundles it (`KAIROS_BUNDLING`, see
 * `lambda/bundle.ts`), once as deployed and once unminified for the SDK-free code size the infra test bounds
 * (test/infra/bundles.test.ts). The deployed bundle is then imported in a fresh `node` process `INIT_RUNS` times
 * with the function's own environment (fake values) and `--enable-source-maps` as on AWS; every socket connect is
 * recorded and never opened, and the bench fails if an import tries one. Init times are this machine's, on the
 * local Node.js (Lambda runs Node.js 24 on arm64): compare handlers with each other, not with AWS's INIT duration.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleHandler } from './lambda/bundle.js';
import { importInFreshNode } from './lambda/init.js';
import { synthDefaultKairos } from './lambda/synth.js';
import { type BenchLine, percentile } from './types.js';

/** Fresh processes per handler. */
const INIT_RUNS = 10;
const KB = 1024;
const kb = (bytes: number) => Number((bytes / KB).toFixed(1));
const ms = (value: number) => Number(value.toFixed(1));

export default async function benchLambdaBundles(): Promise<BenchLine[]> {
  const { functions } = synthDefaultKairos();
  const dir = await mkdtemp(join(tmpdir(), 'kairos-bundles-'));
  const lines: BenchLine[] = [];
  try {
    for (const fn of functions) {
      const slug = fn.name.replace(/\W+/g, '-');
      const deployed = await bundleHandler(fn.entryPath, join(dir, slug));
      const unminified = await bundleHandler(fn.entryPath, join(dir, `${slug}-unminified`), {
        minify: false,
      });
      lines.push({
        name: 'lambda.bundleSize',
        value: kb(deployed.bytes),
        unit: 'KB',
        function: fn.name,
        entry: fn.entry,
        sourceMapKB: kb(deployed.sourceMapBytes),
        sdkFreeKB: kb(deployed.sdkFreeBytes),
        sdkKB: kb(deployed.sdkBytes),
        sdkFreeUnminifiedKB: kb(unminified.sdkFreeBytes),
        largestSdkFreeUnminifiedKB: Object.fromEntries(
          unminified.largestSdkFree.map((share) => [share.package, kb(share.bytes)]),
        ),
        note: 'KB = 1024 bytes; minified ESM as deployed; SDK = @aws-sdk, @smithy, @aws-crypto, @aws and what only they import',
      });

      const samples = [];
      for (let run = 0; run < INIT_RUNS; run++) {
        samples.push(
          await importInFreshNode(deployed.outfile, fn.environment, {
            functionName: `Kairos-dev-${slug}`,
            memorySize: fn.memorySize,
          }),
        );
      }
      const attempts = samples.flatMap((s) => s.networkAttempts);
      if (attempts.length > 0) {
        throw new Error(`Importing the ${fn.name} bundle tried to open connections: ${attempts.join('; ')}`);
      }
      const sorted = samples.map((s) => s.initMs).sort((a, b) => a - b);
      lines.push({
        name: 'lambda.coldInitMs',
        value: ms(percentile(sorted, 50)),
        unit: 'ms',
        function: fn.name,
        entry: fn.entry,
        p90: ms(percentile(sorted, 90)),
        min: ms(sorted[0]),
        runs: INIT_RUNS,
        networkAttemptsAtImport: 0,
        measured:
          'import() of the deployed bundle in a fresh node process, NODE_OPTIONS=--enable-source-maps',
      });
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return lines;
}

/**
 * Builds a Lambda bundle exactly as `KairosFunction` (CDK's NodejsFunction, local esbuild) does, from the same
 * `KAIROS_BUNDLING` options and runtime, and measures it with esbuild's metafile: total size and the SDK-free code
 * (what the bundle would hold with the AWS SDK, and whatever only the SDK imports, left out).
 */
import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import { type BuildOptions, build, type Metafile } from 'esbuild';
import { KAIROS_BUNDLING, KAIROS_RUNTIME, REPO_ROOT } from '../../../lib/constructs/kairos-function.js';

/** Packages of the AWS SDK v3 and its runtime (Smithy, crypto, the Lambda invoke store). */
const SDK_PACKAGE = /(^|\/)node_modules\/(@aws-sdk|@smithy|@aws-crypto|@aws)\//;

/** Whether a metafile input path belongs to the AWS SDK. */
export function isSdkInput(path: string): boolean {
  return SDK_PACKAGE.test(path);
}

/** The options of `KAIROS_BUNDLING` this translation reproduces; any other one fails the bench and the test. */
const TRANSLATED = new Set([
  'format',
  'mainFields',
  'banner',
  'minify',
  'sourceMap',
  'sourcesContent',
  'bundleAwsSDK',
  'forceDockerBundling',
]);

/**
 * esbuild options equivalent to the command aws-lambda-nodejs runs for `KAIROS_BUNDLING` (its `buildEsbuildArgs`:
 * `--bundle --target=node<runtime> --platform=node --format --outfile=index.mjs --minify --sourcemap
 * --sources-content=false --banner:js --main-fields`, no externals when the SDK is bundled), plus a metafile,
 * which changes nothing in the output.
 */
export function kairosEsbuildOptions(
  entryPath: string,
  outdir: string,
  bundling: BundlingOptions = KAIROS_BUNDLING,
): BuildOptions {
  const unknown = Object.entries(bundling)
    .filter(([key, value]) => value !== undefined && !TRANSLATED.has(key))
    .map(([key]) => key);
  if (unknown.length > 0) {
    throw new Error(
      `KAIROS_BUNDLING sets ${unknown.join(', ')}, which test/bench/lambda/bundle.ts does not translate to ` +
        'esbuild options yet: add them there, or the measured bundles would differ from the deployed ones.',
    );
  }
  if (bundling.sourceMapMode !== undefined) throw new Error('sourceMapMode is not translated');
  const version = /nodejs(\d+)/.exec(KAIROS_RUNTIME.name)?.[1];
  if (!version) throw new Error(`Cannot read a Node.js version from ${KAIROS_RUNTIME.name}`);
  const esm = bundling.format === 'esm';
  return {
    absWorkingDir: REPO_ROOT,
    entryPoints: [entryPath],
    bundle: true,
    target: `node${version}`,
    platform: 'node',
    format: bundling.format,
    outfile: join(outdir, esm ? 'index.mjs' : 'index.js'),
    minify: bundling.minify ?? false,
    sourcemap: bundling.sourceMap ?? false,
    sourcesContent: bundling.sourcesContent ?? true,
    // NodejsFunction marks `@aws-sdk/*` external on Node 18+ runtimes unless the SDK is bundled.
    external: bundling.bundleAwsSDK ? [] : ['@aws-sdk/*'],
    banner: bundling.banner ? { js: bundling.banner } : undefined,
    mainFields: bundling.mainFields,
    metafile: true,
    logLevel: 'silent',
  };
}

/** One input package's share of a bundle. */
export interface PackageShare {
  readonly package: string;
  readonly bytes: number;
}

/** Sizes of one bundle, in bytes. */
export interface BundleReport {
  readonly entry: string;
  /** The bundle file (`index.mjs`). */
  readonly outfile: string;
  readonly bytes: number;
  readonly sourceMapBytes: number;
  /** Bytes of the bundle that come from SDK-free inputs. */
  readonly sdkFreeBytes: number;
  /** Bytes of the bundle that come from the SDK and what only it imports. */
  readonly sdkBytes: number;
  /** The largest SDK-free contributors (`(kairos)` for this repository's own code). */
  readonly largestSdkFree: readonly PackageShare[];
}

/** `node_modules/@scope/name/…` → `@scope/name`; this repository's own files → `(kairos)`. */
function packageOf(path: string): string {
  const at = path.lastIndexOf('node_modules/');
  if (at < 0) return '(kairos)';
  const [first, second] = path.slice(at + 'node_modules/'.length).split('/');
  return first.startsWith('@') ? `${first}/${second}` : first;
}

/**
 * The inputs reachable from the entry without passing through an SDK package: what the bundle would contain if
 * the SDK were external. (An input only the SDK imports, like its XML parser, counts as SDK.)
 */
function sdkFreeInputs(metafile: Metafile, entryPoint: string): Set<string> {
  const reached = new Set<string>();
  const pending = [entryPoint];
  for (let path = pending.pop(); path !== undefined; path = pending.pop()) {
    if (reached.has(path) || isSdkInput(path)) continue;
    reached.add(path);
    for (const imported of metafile.inputs[path]?.imports ?? []) {
      if (!imported.external && imported.path in metafile.inputs) pending.push(imported.path);
    }
  }
  return reached;
}

/**
 * Bundles `entryPath` into `outdir` (`index.mjs` and its source map) as deployed, or with `minify: false` to see
 * the code unminified, and measures the result from esbuild's metafile.
 */
export async function bundleHandler(
  entryPath: string,
  outdir: string,
  options: { readonly minify?: boolean } = {},
): Promise<BundleReport> {
  await mkdir(outdir, { recursive: true });
  const esbuildOptions = { ...kairosEsbuildOptions(entryPath, outdir), ...options };
  const { metafile } = await build(esbuildOptions);
  if (!metafile) throw new Error('esbuild returned no metafile');
  const output = Object.entries(metafile.outputs).find(([path]) => !path.endsWith('.map'))?.[1];
  if (!output?.entryPoint) throw new Error(`esbuild wrote no bundle for ${entryPath}`);
  const free = sdkFreeInputs(metafile, output.entryPoint);
  let sdkFreeBytes = 0;
  let sdkBytes = 0;
  const byPackage = new Map<string, number>();
  for (const [path, { bytesInOutput }] of Object.entries(output.inputs)) {
    if (!free.has(path)) {
      sdkBytes += bytesInOutput;
      continue;
    }
    sdkFreeBytes += bytesInOutput;
    byPackage.set(packageOf(path), (byPackage.get(packageOf(path)) ?? 0) + bytesInOutput);
  }
  const outfile = esbuildOptions.outfile as string;
  return {
    entry: output.entryPoint,
    outfile,
    bytes: (await stat(outfile)).size,
    sourceMapBytes: await stat(`${outfile}.map`).then(
      (s) => s.size,
      () => 0,
    ),
    sdkFreeBytes,
    sdkBytes,
    largestSdkFree: [...byPackage.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 4)
      .map(([name, bytes]) => ({ package: name, bytes })),
  };
}

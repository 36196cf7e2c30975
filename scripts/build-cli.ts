/**
 * Builds the `kairos` command: bin/kairos.ts bundled by esbuild into dist/kairos.mjs (+ chunks), plain
 * JavaScript for Node 20, so the installed command starts without a TypeScript loader. npm packages stay
 * external (resolved from this repository's node_modules at run time), so the bundle holds only our code.
 *
 *   node --import tsx scripts/build-cli.ts      (npm run build:cli)
 */
import { chmod, readdir, readFile, rm } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const CLI_DIR = join(ROOT, 'dist');
export const CLI_FILE = join(CLI_DIR, 'kairos.mjs');

/**
 * Once bundled, `import.meta.url` is the bundle's URL, not the source file's, so a module that finds files
 * next to itself (`new URL('../../package.json', import.meta.url)`) would look in the wrong place. Each
 * source file gets its own URL back, relative to the bundle, so the repository can still be moved as a whole.
 */
function sourceUrls(outDir: string): Plugin {
  return {
    name: 'kairos-source-urls',
    setup(build) {
      build.onLoad({ filter: /\.ts$/ }, async (args) => {
        if (args.path.includes(`${'/'}node_modules${'/'}`)) return undefined;
        const text = await readFile(args.path, 'utf8');
        if (!text.includes('import.meta.url')) return undefined;
        // Every output file is in outDir (see chunkNames), so one relative path serves whichever holds it.
        const fromBundle = relative(outDir, args.path).split('\\').join('/');
        const url = `new URL(${JSON.stringify(fromBundle)}, import.meta.url).href`;
        return { contents: text.replaceAll('import.meta.url', url), loader: 'ts' };
      });
    },
  };
}

/** Our files in dist/: the entry and its chunks (whose names carry content hashes, so old ones pile up). */
const OUR_FILE = /^kairos(?:\.mjs|-.+\.mjs)(?:\.map)?$/;

/** Builds dist/kairos.mjs and its chunks, after removing those of an earlier build. */
export async function buildCli(outDir = CLI_DIR): Promise<string> {
  const old = await readdir(outDir).catch(() => [] as string[]);
  await Promise.all(old.filter((f) => OUR_FILE.test(f)).map((f) => rm(join(outDir, f), { force: true })));
  await build({
    entryPoints: { kairos: join(ROOT, 'bin/kairos.ts') },
    outdir: outDir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    // Chunks: `kairos local` and `kairos dashboard` load the runtime and esbuild only when they run, so the
    // API commands start in a fraction of the time (about 0.1 s instead of 0.4 s).
    splitting: true,
    // Beside the entry, not in a subdirectory: the source-URL rewrite below is relative to one directory.
    chunkNames: 'kairos-[name]-[hash]',
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'linked',
    banner: { js: '#!/usr/bin/env node' },
    plugins: [sourceUrls(outDir)],
    logLevel: 'warning',
  });
  const file = join(outDir, 'kairos.mjs');
  // Executable, for `npm link` and for running it as ./dist/kairos.mjs.
  await chmod(file, 0o755);
  return file;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const file = await buildCli();
  process.stdout.write(`built ${relative(process.cwd(), file)}\n`);
}

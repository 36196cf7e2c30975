/**
 * Builds the dashboard into one self-contained HTML page (ADR 0016): esbuild bundles `src/main.ts` and its CSS,
 * and both go inline, so serving the page is one response with no asset paths and no CDN. The server fills the
 * two placeholders per request (`%KAIROS_BASE%`, `%KAIROS_CONFIG%`) and sends a CSP allowing exactly the
 * script hashes returned here.
 *
 * CLI: `node --import tsx dashboard/build.ts --out <file.json>` writes `{ html, scriptHashes }` (CDK bundling).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export interface DashboardBuild {
  readonly html: string;
  /** `sha256-<base64>` of each inline script's text, for the `script-src` of the page's CSP. */
  readonly scriptHashes: string[];
}

const HERE = dirname(fileURLToPath(import.meta.url));
export const BASE_PLACEHOLDER = '%KAIROS_BASE%';
export const CONFIG_PLACEHOLDER = '%KAIROS_CONFIG%';

/** Browsers the output must run in: anything from 2023 on (no transpiling of what they all have). */
const TARGETS = ['chrome110', 'edge110', 'firefox115', 'safari16'];

export async function buildDashboard(): Promise<DashboardBuild> {
  const result = await build({
    entryPoints: [join(HERE, 'src/main.ts')],
    bundle: true,
    write: false,
    outdir: join(HERE, 'out'), // names the outputs; nothing is written
    format: 'iife',
    platform: 'browser',
    target: TARGETS,
    minify: true,
    legalComments: 'none',
    logLevel: 'silent',
  });
  const js = result.outputFiles.find((f) => f.path.endsWith('.js'))?.text;
  const css = result.outputFiles.find((f) => f.path.endsWith('.css'))?.text ?? '';
  if (!js) throw new Error('esbuild produced no script for the dashboard');
  // A closing tag inside the inline code would end the element early; `<\/` means the same in JS and CSS text.
  const script = js.replace(/<\/(script)/gi, '<\\/$1');
  const style = css.replace(/<\/(style)/gi, '<\\/$1');
  const html = [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<base href="${BASE_PLACEHOLDER}">`,
    `<meta name="kairos-config" content="${CONFIG_PLACEHOLDER}">`,
    '<meta name="referrer" content="no-referrer">',
    '<title>Kairos</title>',
    // No favicon request to the API (it would be a 404 in the access log on every load).
    '<link rel="icon" href="data:,">',
    `<style>${style}</style>`,
    '</head>',
    '<body>',
    '<div id="app"></div>',
    '<noscript>The Kairos dashboard needs JavaScript.</noscript>',
    `<script>${script}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
  for (const placeholder of [BASE_PLACEHOLDER, CONFIG_PLACEHOLDER]) {
    // The server replaces the first occurrence only; one in the code would be left or replaced instead.
    if (html.split(placeholder).length !== 2)
      throw new Error(`${placeholder} must occur exactly once in the page`);
  }
  return { html, scriptHashes: [`sha256-${createHash('sha256').update(script, 'utf8').digest('base64')}`] };
}

function parseOut(argv: readonly string[]): string {
  const i = argv.indexOf('--out');
  const out = i >= 0 ? argv[i + 1] : undefined;
  if (!out || out.startsWith('--'))
    throw new Error('usage: node --import tsx dashboard/build.ts --out <file.json>');
  return out;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const out = resolve(parseOut(process.argv.slice(2)));
    const page = await buildDashboard();
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, JSON.stringify(page));
    console.log(`dashboard: ${out} (${Buffer.byteLength(page.html)} bytes of HTML)`);
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  }
}

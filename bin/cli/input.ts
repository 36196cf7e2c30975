import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { UsageError } from './errors.js';

/*
 * A file that cannot be read or parsed is the caller's mistake, so a usage error (exit 2) — printed without the
 * command's usage, which would only bury the line that says what is wrong with the file.
 */

function parseJson(text: string, name: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${name} is not valid JSON: ${(error as Error).message}`, null);
  }
}

function parseYamlText(text: string, name: string): unknown {
  try {
    // The core schema: plain data only, no custom tags that would make the CLI build odd objects.
    return parseYaml(text, { schema: 'core', prettyErrors: true });
  } catch (error) {
    throw new UsageError(`${name} is not valid YAML: ${(error as Error).message}`, null);
  }
}

const readStdin = () => readFileSync(0, 'utf8');

/**
 * A JSON or YAML document from a file (by extension: `.json`, `.yaml`, `.yml`; other names by content: JSON
 * when it starts like JSON, since JSON's messages point at the fault better) or from stdin (`-`).
 */
export function readDocument(file: string, stdin: () => string = readStdin): unknown {
  let text: string;
  try {
    text = file === '-' ? stdin() : readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new UsageError(`cannot read ${file}: ${code ?? (error as Error).message}`, null);
  }
  const name = file === '-' ? 'stdin' : file;
  const ext = extname(file).toLowerCase();
  if (ext === '.json') return parseJson(text, name);
  if (ext === '.yaml' || ext === '.yml') return parseYamlText(text, name);
  return /^\s*[[{]/.test(text) ? parseJson(text, name) : parseYamlText(text, name);
}

/** `--payload '{"a":1}'` or `--payload-file p.json`: the body of a manual run, or undefined for none. */
export function readPayload(
  inline: string | undefined,
  file: string | undefined,
  usage: string,
): { payload: unknown } | undefined {
  if (inline !== undefined && file !== undefined)
    throw new UsageError('give --payload or --payload-file, not both', usage);
  if (inline !== undefined) return { payload: parseJson(inline, '--payload') };
  if (file !== undefined) return { payload: readDocument(file) };
  return undefined;
}

/**
 * `kairos dag compile <file.json>`: prints the Amazon States Language a DAG compiles to, for review (and beside
 * `cdk diff`). The file holds a job definition with `tasks`, or the `tasks` array alone; it is validated as the
 * API would. The function ARNs default to CloudFormation `DefinitionSubstitutions` placeholders, since the real
 * ones exist only once a stack is deployed.
 */
import { readFileSync } from 'node:fs';
import type { CompileOptions } from '../../lambdas/core/dag/asl.js';
import { compileDag, compileLevelByLevel } from '../../lambdas/core/dag/compile.js';
import { ValidationError } from '../../lambdas/core/errors.js';
import { validateJobDefinition } from '../../lambdas/core/validate-job.js';

/** A CloudFormation `DefinitionSubstitutions` placeholder, `${Name}`. */
const placeholder = (name: string) => `\${${name}}`;

export const PLACEHOLDER_ARNS = {
  latchFunctionArn: placeholder('KairosLatchFunctionArn'),
  httpExecutorFunctionArn: placeholder('KairosHttpExecutorFunctionArn'),
  commandFunctionArn: placeholder('KairosCommandFunctionArn'),
} as const;

export interface DagCompileArgs {
  readonly file: string;
  /** Compile one Parallel per topological level instead (the naive baseline), for comparison. */
  readonly levelByLevel?: boolean;
  readonly options?: Partial<CompileOptions>;
}

/** The ASL for the DAG in `file`, as indented JSON; throws `ValidationError` for a bad DAG or file. */
export function dagCompile(args: DagCompileArgs): string {
  let body: unknown;
  try {
    body = JSON.parse(readFileSync(args.file, 'utf8'));
  } catch (error) {
    throw ValidationError.at('$', `${args.file} is not a JSON file: ${(error as Error).message}`);
  }
  const job = Array.isArray(body)
    ? { name: 'dag', schedule: { type: 'immediate' }, tasks: body }
    : (body as Record<string, unknown>);
  const definition = validateJobDefinition(job, { runtime: 'local', now: undefined });
  if (!definition.tasks)
    throw ValidationError.at('$.tasks', 'the job has a target, not tasks: nothing to compile');
  const options: CompileOptions = { ...PLACEHOLDER_ARNS, ...args.options };
  const compile = args.levelByLevel ? compileLevelByLevel : compileDag;
  return JSON.stringify(compile(definition.tasks, options), null, 2);
}

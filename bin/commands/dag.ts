/** `kairos dag compile <file>`: the state machine a DAG compiles to, for review. */
import { command } from '../cli/command.js';
import { dagCompile } from './dag-compile.js';

export const dagCompileCommand = command({
  words: ['dag', 'compile'],
  summary: 'print the Amazon States Language a DAG compiles to',
  usage: `Usage: kairos dag compile <job-or-tasks.json> [--level-by-level]

Validates a job definition with tasks (or the tasks array alone) as the API would and prints its Amazon States
Language, with \${…} placeholders for the Kairos function ARNs. Always JSON.
  --level-by-level    the naive one-Parallel-per-level compilation instead, for comparison`,
  args: ['file'],
  options: { 'level-by-level': { type: 'boolean' } },
  async run(ctx, values, [file]) {
    ctx.print(dagCompile({ file, levelByLevel: values['level-by-level'] }));
    return 0;
  },
});

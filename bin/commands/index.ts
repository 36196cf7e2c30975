/** Every `kairos` command, in the order the help lists them. */
import type { Command } from '../cli/command.js';
import { backfill } from './backfill.js';
import { dagCompileCommand } from './dag.js';
import { dashboard } from './dashboard.js';
import { JOB_COMMANDS } from './jobs.js';
import { local } from './local.js';
import { preview } from './preview.js';
import { RUN_COMMANDS } from './runs.js';
import { tokenCreate } from './token.js';

export const COMMANDS: readonly Command[] = [
  local,
  ...JOB_COMMANDS,
  ...RUN_COMMANDS,
  backfill,
  preview,
  dagCompileCommand,
  tokenCreate,
  dashboard,
];

/** The executors of the local runtime: http, child-process commands and in-process Lambda handlers. */
import path from 'node:path';
import type { AllowList } from '../../core/ssrf.js';
import type { Executors } from '../../ports.js';
import { createCommandExecutor } from '../local/command-executor.js';
import { createLocalLambdaExecutor } from '../local/local-lambda-executor.js';
import { createHttpExecutor } from './http-executor.js';

export interface LocalExecutorsOptions {
  /** `$KAIROS_HOME`: holds `functions.json` and is the working directory of commands without `cwd`. */
  readonly home: string;
  /** Ranges and hosts http targets may reach although private (`KAIROS_HTTP_ALLOW`). */
  readonly allowList: AllowList;
}

/** Builds the local runtime's executors; `fargate` and `stepfunctions` targets need AWS and have none here. */
export function createLocalExecutors(options: LocalExecutorsOptions): Executors {
  const home = path.resolve(options.home);
  return {
    http: createHttpExecutor({ allowList: options.allowList }),
    command: createCommandExecutor({ defaultCwd: home }),
    lambda: createLocalLambdaExecutor({ functionsFile: path.join(home, 'functions.json') }),
  };
}

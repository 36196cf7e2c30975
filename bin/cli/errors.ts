import { ValidationError } from '../../lambdas/core/errors.js';

/**
 * The three ways a command ends badly, one exit code each (README, CLI): a wrong command line (2), an error
 * the API answered (1), and anything else that stopped the work, such as an unreachable endpoint (1).
 */

/** The command line is wrong: exit 2, with the usage of the command that was meant. */
export class UsageError extends Error {
  constructor(
    message: string,
    /**
     * Usage text of the command; undefined: the top-level usage; null: none, when the mistake is in an input
     * (an unreadable file) and the usage would only bury the message.
     */
    readonly usage?: string | null,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

/** An RFC 9457 problem document, as the API sends it. */
export interface Problem {
  readonly type?: string;
  readonly title?: string;
  readonly status?: number;
  readonly detail?: string;
  readonly errors?: readonly { path: string; message: string }[];
}

/** The API answered 4xx/5xx: exit 1 with the problem's title, detail and field errors. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem,
  ) {
    super(`${problem.title ?? `HTTP ${status}`}: ${problem.detail ?? '(no detail)'}`);
    this.name = 'ApiError';
  }
}

/** The command could not do its work for another reason (network, credentials, a failed backfill): exit 1. */
export class CliError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'CliError';
  }
}

/** `kairos: …` lines for stderr and the exit code for any error a command threw. */
export function describeFailure(error: unknown): { lines: string[]; exitCode: 1 | 2 } {
  if (error instanceof UsageError) return { lines: [error.message], exitCode: 2 };
  if (error instanceof ApiError) {
    const fields = (error.problem.errors ?? []).map((e) => `  ${e.path}: ${e.message}`);
    return { lines: [error.message, ...fields], exitCode: 1 };
  }
  // A local check the API would make too (dag compile): the same shape as a 400 problem.
  if (error instanceof ValidationError) {
    const fields = error.problems.map((p) => `  ${p.path}: ${p.message}`);
    return { lines: [error.message, ...fields], exitCode: 1 };
  }
  if (error instanceof CliError) return { lines: [error.message], exitCode: 1 };
  return { lines: [error instanceof Error ? (error.stack ?? error.message) : String(error)], exitCode: 1 };
}

/**
 * Reads the end of a Fargate attempt from an EventBridge "ECS Task State Change" event. Pure: the completion
 * handler decides what to do with the outcome.
 */
import type { ExecutionOutcome } from '../../ports.js';
import { capLog } from '../executors/log-buffer.js';
import type { Completion } from '../executors/outcome.js';

interface EcsContainer {
  readonly name?: string;
  readonly exitCode?: number;
  readonly reason?: string;
}

interface EcsOverride {
  readonly name?: string;
  readonly environment?: readonly { readonly name?: string; readonly value?: string }[];
}

interface EcsTaskDetail {
  readonly taskArn?: string;
  readonly lastStatus?: string;
  readonly stopCode?: string;
  readonly stoppedReason?: string;
  readonly startedBy?: string;
  readonly containers?: readonly EcsContainer[];
  readonly overrides?: { readonly containerOverrides?: readonly EcsOverride[] };
}

/** Stop codes of tasks ended from outside whose work may succeed when run again. */
const INTERRUPTED = new Set(['SpotInterruption', 'TerminationNotice', 'ServiceSchedulerInitiated']);

const record = (value: unknown): Record<string, unknown> | undefined =>
  typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;

/**
 * The container Kairos passed the run to: the one whose overrides carry `KAIROS_RUN_ID`. Sidecars that ECS
 * stops with SIGTERM (exit 143) once it ends must not turn a successful task into a failed one.
 */
function mainContainer(detail: EcsTaskDetail): string | undefined {
  return detail.overrides?.containerOverrides?.find((o) =>
    o.environment?.some((e) => e.name === 'KAIROS_RUN_ID'),
  )?.name;
}

function runVariable(detail: EcsTaskDetail, name: string): string | undefined {
  for (const override of detail.overrides?.containerOverrides ?? []) {
    const value = override.environment?.find((e) => e.name === name)?.value;
    if (value !== undefined) return value;
  }
  return undefined;
}

function outcomeOf(detail: EcsTaskDetail, log: string): ExecutionOutcome {
  const containers = detail.containers ?? [];
  const main = mainContainer(detail);
  const judged = main === undefined ? containers : containers.filter((c) => c.name === main);
  const exitCodes = Object.fromEntries(containers.map((c) => [c.name ?? '?', c.exitCode ?? null]));
  const output = { exitCodes, stopCode: detail.stopCode, stoppedReason: detail.stoppedReason };
  const reason = detail.stoppedReason ?? detail.stopCode ?? 'stopped';
  const fail = (type: string, message: string, retryable: boolean): ExecutionOutcome => ({
    status: 'failed',
    error: { type, message, retryable },
    output,
    log,
  });
  if (detail.stopCode === 'TaskFailedToStart') return fail('TaskFailedToStart', reason, true);
  // A task stopped on request (timeout, cancel, a user in the console) did not finish its work, whatever its code.
  if (detail.stopCode === 'UserInitiated') return fail('TaskStopped', reason, false);
  if (detail.stopCode !== undefined && INTERRUPTED.has(detail.stopCode))
    return fail('TaskStopped', reason, true);
  if (judged.length > 0 && judged.every((c) => c.exitCode === 0)) return { status: 'succeeded', output, log };
  const bad = judged.find((c) => c.exitCode !== 0) ?? { name: main };
  const message =
    bad.exitCode === undefined
      ? `container ${bad.name ?? '?'} stopped without an exit code: ${bad.reason ?? reason}`
      : `container ${bad.name ?? '?'} exited with code ${bad.exitCode}${bad.reason ? ` (${bad.reason})` : ''}`;
  return fail('ExitCode', message, true);
}

/**
 * The completion of a Fargate attempt from an "ECS Task State Change" event with `lastStatus` STOPPED, or
 * undefined for any other event. The outcome succeeds when the container that got the run's overrides (or,
 * failing that, every container) exited 0; the handle is the task ARN, the run id and attempt come from
 * the overrides' `KAIROS_RUN_ID`/`KAIROS_ATTEMPT` (or `startedBy`).
 */
export function ecsTaskEventToCompletion(event: unknown): Completion | undefined {
  const e = record(event);
  const detail = record(e?.detail) as EcsTaskDetail | undefined;
  if (e?.['detail-type'] !== 'ECS Task State Change' || detail?.lastStatus !== 'STOPPED') return undefined;
  if (typeof detail.taskArn !== 'string') return undefined;
  const lines = [
    `ECS task ${detail.taskArn} STOPPED (${detail.stopCode ?? 'no stop code'}): ${detail.stoppedReason ?? ''}`,
  ];
  for (const c of detail.containers ?? []) {
    lines.push(
      `container ${c.name ?? '?'}: exit code ${c.exitCode ?? 'none'}${c.reason ? ` (${c.reason})` : ''}`,
    );
  }
  const attempt = Number(runVariable(detail, 'KAIROS_ATTEMPT'));
  const runId = runVariable(detail, 'KAIROS_RUN_ID') ?? detail.startedBy;
  return {
    handle: detail.taskArn,
    outcome: outcomeOf(detail, capLog(`${lines.join('\n')}\n`)),
    ...(runId ? { runId } : {}),
    ...(Number.isSafeInteger(attempt) && attempt > 0 ? { attempt } : {}),
  };
}

/**
 * How a status looks: a tone (the colour class) and a symbol, so a status is never told by colour alone — the
 * status text is always shown as well.
 */
export type Tone = 'ok' | 'bad' | 'active' | 'waiting' | 'muted' | 'warn';

const TONES: Readonly<Record<string, Tone>> = {
  SUCCEEDED: 'ok',
  ACTIVE: 'ok',
  FAILED: 'bad',
  TIMED_OUT: 'bad',
  UPSTREAM_FAILED: 'bad',
  RUNNING: 'active',
  RETRYING: 'warn',
  QUEUED: 'waiting',
  SCHEDULED: 'waiting',
  PENDING: 'waiting',
  PAUSED: 'warn',
  CANCELLED: 'muted',
  SKIPPED: 'muted',
  DELETED: 'muted',
};

const SYMBOLS: Readonly<Record<Tone, string>> = {
  ok: '✓',
  bad: '✗',
  active: '▶',
  warn: '‖',
  waiting: '○',
  muted: '–',
};

export function toneOf(status: string | undefined): Tone {
  return (status && TONES[status]) || 'muted';
}

export function symbolOf(status: string | undefined): string {
  return SYMBOLS[toneOf(status)];
}

/** `TIMED_OUT` → `Timed out`. */
export function statusLabel(status: string | undefined): string {
  if (!status) return 'None';
  const words = status.toLowerCase().replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Run statuses after which a run changes no more on its own (live polling stops there). */
export const TERMINAL_STATUSES: readonly string[] = [
  'SUCCEEDED',
  'FAILED',
  'TIMED_OUT',
  'CANCELLED',
  'SKIPPED',
];

export function isTerminal(status: string): boolean {
  return TERMINAL_STATUSES.includes(status);
}

/** Every status a DAG task can show, in the order the graph's legend lists them. */
export const TASK_STATUSES: readonly string[] = [
  'PENDING',
  'RUNNING',
  'RETRYING',
  'SUCCEEDED',
  'FAILED',
  'TIMED_OUT',
  'UPSTREAM_FAILED',
  'CANCELLED',
  'SKIPPED',
];

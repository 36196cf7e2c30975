import { describe, expect, it } from 'vitest';
import {
  canTransition,
  isTerminal,
  RUN_STATUSES,
  RUN_TRANSITIONS,
  sourcesOf,
} from '../../../lambdas/core/run-states.js';

describe('run state machine', () => {
  it('has a row for every status and only known targets', () => {
    expect(Object.keys(RUN_TRANSITIONS).sort()).toEqual([...RUN_STATUSES].sort());
    for (const targets of Object.values(RUN_TRANSITIONS))
      for (const t of targets) expect(RUN_STATUSES).toContain(t);
  });

  it('allows the lifecycle of a run with a retry and refuses going back', () => {
    const path = ['SCHEDULED', 'QUEUED', 'RUNNING', 'RETRYING', 'QUEUED', 'RUNNING', 'SUCCEEDED'] as const;
    for (let i = 1; i < path.length; i++) expect(canTransition(path[i - 1], path[i])).toBe(true);
    expect(canTransition('SUCCEEDED', 'RUNNING')).toBe(false);
    expect(canTransition('CANCELLED', 'QUEUED')).toBe(false);
    expect(canTransition('RUNNING', 'QUEUED')).toBe(false);
  });

  it('lets only an explicit retry reopen failed or timed-out runs', () => {
    expect(canTransition('FAILED', 'QUEUED')).toBe(true);
    expect(canTransition('TIMED_OUT', 'QUEUED')).toBe(true);
    expect(canTransition('FAILED', 'RUNNING')).toBe(false);
  });

  it('lists the sources of a transition for conditional writes', () => {
    expect(sourcesOf('RUNNING').sort()).toEqual(['QUEUED', 'RETRYING', 'SCHEDULED']);
    expect(sourcesOf('CANCELLED').sort()).toEqual(['QUEUED', 'RETRYING', 'RUNNING', 'SCHEDULED']);
  });

  it('treats terminal statuses as final', () => {
    for (const s of ['SUCCEEDED', 'CANCELLED', 'SKIPPED'] as const) {
      expect(isTerminal(s)).toBe(true);
      expect(RUN_TRANSITIONS[s]).toEqual([]);
    }
    expect(isTerminal('RUNNING')).toBe(false);
  });
});

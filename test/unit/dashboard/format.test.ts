import { describe, expect, it } from 'vitest';
import {
  describeTarget,
  elapsedMs,
  formatCompliance,
  formatCount,
  formatDstChange,
  formatDuration,
  formatError,
  formatInZone,
  formatRelative,
  formatTags,
  formatUtc,
} from '../../../dashboard/src/format.js';

describe('dashboard formatting', () => {
  it('shows instants in UTC, seconds when asked', () => {
    expect(formatUtc('2026-11-25T01:00:05.123Z')).toBe('2026-11-25 01:00 UTC');
    expect(formatUtc('2026-11-25T01:00:05.123Z', { seconds: true })).toBe('2026-11-25 01:00:05 UTC');
    expect(formatUtc(null)).toBe('—');
    expect(formatUtc('not a time')).toBe('not a time');
  });

  it('shows the wall clock of a zone', () => {
    expect(formatInZone('2027-03-28T01:30:00Z', 'Europe/Berlin')).toBe('Sun 2027-03-28 03:30');
    expect(formatInZone('2026-11-25T01:00:00Z', 'America/New_York')).toBe('Tue 2026-11-24 20:00');
  });

  it('shows durations at a useful precision', () => {
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(1234)).toBe('1.2 s');
    expect(formatDuration(42_000)).toBe('42 s');
    expect(formatDuration(184_000)).toBe('3 min 4 s');
    expect(formatDuration(120_000)).toBe('2 min');
    expect(formatDuration(2 * 3600_000 + 5 * 60_000)).toBe('2 h 5 min');
    expect(formatDuration(76 * 3600_000)).toBe('3 d 4 h');
    expect(formatDuration(-1)).toBe('—');
  });

  it('says how long ago or until, coarsely', () => {
    const now = Date.parse('2026-11-24T12:00:00Z');
    expect(formatRelative('2026-11-24T12:00:02Z', now)).toBe('just now');
    expect(formatRelative('2026-11-24T11:55:00Z', now)).toBe('5 min ago');
    expect(formatRelative('2026-11-24T15:30:00Z', now)).toBe('in 3 h');
    expect(formatRelative('2026-11-26T12:00:00Z', now)).toBe('in 2 d');
    expect(formatRelative(undefined, now)).toBe('—');
  });

  it('measures a run to its end, or to now while it runs', () => {
    const now = Date.parse('2026-11-24T12:00:10Z');
    expect(elapsedMs({ startedAt: '2026-11-24T12:00:00Z', endedAt: '2026-11-24T12:00:04Z' }, now)).toBe(4000);
    expect(elapsedMs({ startedAt: '2026-11-24T12:00:00Z' }, now)).toBe(10_000);
    expect(elapsedMs({}, now)).toBeUndefined();
  });

  it('phrases a DST change in the local time of the zone', () => {
    expect(
      formatDstChange({ kind: 'forward', shiftMinutes: 60, at: '2027-03-28T01:00:00.000Z' }, 'Europe/Berlin'),
    ).toBe('DST day: clocks go forward 1 h at 03:00');
    expect(
      formatDstChange(
        { kind: 'back', shiftMinutes: 30, at: '2027-04-03T15:00:00.000Z' },
        'Australia/Lord_Howe',
      ),
    ).toBe('DST day: clocks go back 30 min at 01:30');
  });

  it('describes targets, tags, compliance, counts and errors in one line', () => {
    expect(describeTarget({ type: 'http', url: 'https://x.test/h', method: 'GET' })).toBe(
      'HTTP GET https://x.test/h',
    );
    expect(describeTarget({ type: 'command', command: ['sh', '-c', 'true'] })).toBe('Command sh -c true');
    expect(describeTarget(undefined)).toBe('—');
    expect(formatTags({ team: 'data', env: 'prod' })).toEqual(['env:prod', 'team:data']);
    expect(formatCompliance(40, 1)).toBe('97.5%');
    expect(formatCompliance(3, 0)).toBe('100%');
    expect(formatCompliance(0, 0)).toBe('—');
    expect(formatCount(1234567)).toBe('1,234,567');
    expect(formatError({ type: 'Timeout', message: 'took too long' })).toBe('Timeout: took too long');
    expect(formatError('plain')).toBe('plain');
    expect(formatError(undefined)).toBe('');
  });
});

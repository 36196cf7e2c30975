import { describe, expect, it } from 'vitest';
import {
  durationBetween,
  formatDuration,
  formatError,
  formatTags,
  formatTime,
  localTime,
} from '../../../bin/cli/format.js';
import { dstText, quietChanges } from '../../../bin/commands/preview.js';

describe('formatTime', () => {
  it('shows UTC to the second, with Z; keeps text it cannot read; undefined for none', () => {
    expect(formatTime('2026-11-25T01:00:00.123Z')).toBe('2026-11-25 01:00:00Z');
    expect(formatTime('2026-11-25T02:00:00+01:00')).toBe('2026-11-25 01:00:00Z');
    expect(formatTime('soon')).toBe('soon');
    expect(formatTime(null)).toBeUndefined();
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0ms'],
    [850, '850ms'],
    [12_340, '12.3s'],
    [245_000, '4m05s'],
    [7_620_000, '2h07m'],
    [273_600_000, '3d04h'],
    [-1, '-'],
    [Number.NaN, '-'],
  ])('%d ms → %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('between two instants, or nothing when one is missing', () => {
    expect(durationBetween('2026-01-01T00:00:00Z', '2026-01-01T00:00:01.5Z')).toBe('1.5s');
    expect(durationBetween('2026-01-01T00:00:00Z', undefined)).toBeUndefined();
  });
});

describe('formatTags and formatError', () => {
  it('tags as key:value, the form --tag takes', () => {
    expect(formatTags({ team: 'data', env: 'prod' })).toBe('team:data env:prod');
    expect(formatTags({})).toBeUndefined();
  });

  it('an error as type: message', () => {
    expect(formatError({ type: 'Timeout', message: 'no answer in 30 s' })).toBe('Timeout: no answer in 30 s');
    expect(formatError({ message: 'boom' })).toBe('boom');
    expect(formatError(undefined)).toBeUndefined();
  });
});

describe('preview helpers', () => {
  it('localTime shows the wall clock with weekday and offset', () => {
    expect(localTime(new Date('2027-03-28T01:00:00Z'), 'Europe/Berlin')).toBe('Sun 2027-03-28 03:00 +02:00');
    expect(localTime(new Date('2026-07-01T12:00:00Z'), 'Asia/Kolkata')).toBe('Wed 2026-07-01 17:30 +05:30');
    expect(localTime(new Date('2026-07-01T12:00:00Z'), 'America/St_Johns')).toBe(
      'Wed 2026-07-01 09:30 -02:30',
    );
  });

  it('dstText says which way, how far and when (UTC)', () => {
    expect(dstText({ kind: 'forward', shiftMinutes: 30, at: '2026-10-03T15:30:00.000Z' })).toBe(
      'clocks forward 30 min at 15:30Z',
    );
  });

  it('quietChanges finds an offset change on a day without a fire time, and none on a fire day', () => {
    const daily = ['2027-03-27T01:00:00Z', '2027-03-29T00:00:00Z'].map((t) => new Date(t));
    const found = quietChanges(new Date('2027-03-26T12:00:00Z'), daily, 'Europe/Berlin');
    expect([...found]).toEqual([
      [0, { kind: 'forward', shiftMinutes: 60, at: '2027-03-28T01:00:00.000Z', date: '2027-03-28' }],
    ]);
    const onFireDay = [new Date('2026-11-01T05:30:00Z'), new Date('2026-11-02T06:30:00Z')];
    expect(quietChanges(new Date('2026-10-31T12:00:00Z'), onFireDay, 'America/New_York').size).toBe(0);
    expect(
      quietChanges(new Date('2026-06-01T00:00:00Z'), [new Date('2026-06-02T00:00:00Z')], 'UTC').size,
    ).toBe(0);
  });

  it('quietChanges reports a change before the first fire time at index -1', () => {
    const found = quietChanges(
      new Date('2026-10-20T12:00:00Z'),
      [new Date('2026-10-26T08:00:00Z')],
      'Europe/Berlin',
    );
    expect(found.get(-1)).toMatchObject({ kind: 'back', date: '2026-10-25' });
  });
});

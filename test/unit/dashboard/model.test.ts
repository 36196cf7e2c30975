import { describe, expect, it } from 'vitest';
import type { Job } from '../../../dashboard/src/api-types.js';
import {
  complianceOrder,
  fireTimeRows,
  matchesSearch,
  niceMax,
  scheduleText,
  zoneOf,
} from '../../../dashboard/src/model.js';

const job = (overrides: Partial<Job> = {}): Job => ({
  jobId: 'job_1',
  name: 'nightly-report',
  schedule: { type: 'cron', expression: '0 2 * * *', timezone: 'Europe/Berlin' },
  status: 'ACTIVE',
  version: 1,
  createdAt: '2026-11-24T00:00:00Z',
  updatedAt: '2026-11-24T00:00:00Z',
  nextRunAt: null,
  tags: { team: 'data' },
  ...overrides,
});

describe('dashboard view model', () => {
  it('phrases the schedule, and reads fire times in the job zone (UTC for rates)', () => {
    expect(scheduleText(job())).toBe('At 02:00 every day, Europe/Berlin');
    expect(zoneOf(job())).toBe('Europe/Berlin');
    expect(zoneOf(job({ schedule: { type: 'cron', expression: '0 2 * * *' } }))).toBe('UTC');
    expect(zoneOf(job({ schedule: { type: 'rate', every: '5 minutes' } }))).toBe('UTC');
  });

  it('flags the fire times that fall on a DST day, both ways', () => {
    // Sundays of March and October at 03:30 Berlin: the last Sunday of each is a DST day.
    const rows = fireTimeRows(
      ['2027-03-21T02:30:00Z', '2027-03-28T01:30:00Z', '2027-10-24T01:30:00Z', '2027-10-31T02:30:00Z'],
      'Europe/Berlin',
    );
    expect(rows.map((r) => r.local)).toEqual([
      'Sun 2027-03-21 03:30',
      'Sun 2027-03-28 03:30',
      'Sun 2027-10-24 03:30',
      'Sun 2027-10-31 03:30',
    ]);
    expect(rows.map((r) => r.dst?.kind)).toEqual([undefined, 'forward', undefined, 'back']);
    expect(rows[1].dst?.text).toBe('DST day: clocks go forward 1 h at 03:00');
    expect(rows[3].dst?.text).toBe('DST day: clocks go back 1 h at 02:00');
    expect(rows[0].utc).toBe('2027-03-21 02:30 UTC');
  });

  it('never flags UTC, and shows fire times without a note for a zone the browser does not know', () => {
    expect(fireTimeRows(['2027-03-28T01:30:00Z'], 'UTC')[0].dst).toBeUndefined();
    expect(fireTimeRows(['2027-03-28T01:30:00Z'], 'Mars/Olympus')).toEqual([
      {
        time: '2027-03-28T01:30:00Z',
        local: '2027-03-28 01:30 UTC',
        utc: '2027-03-28 01:30 UTC',
        dst: undefined,
      },
    ]);
  });

  it('searches name, id, schedule words and tags, case-insensitively', () => {
    expect(matchesSearch(job(), 'NIGHTLY')).toBe(true);
    expect(matchesSearch(job(), 'job_1')).toBe(true);
    expect(matchesSearch(job(), 'berlin')).toBe(true);
    expect(matchesSearch(job(), 'team:data')).toBe(true);
    expect(matchesSearch(job(), 'ops')).toBe(false);
    expect(matchesSearch(job(), '  ')).toBe(true);
  });

  it('orders compliance worst first, stably', () => {
    const order = complianceOrder([
      { jobId: 'b', runs: 10, missed: 0 },
      { jobId: 'c', runs: 10, missed: 5 },
      { jobId: 'a', runs: 0, missed: 0 },
      { jobId: 'd', runs: 2, missed: 1 },
    ]);
    expect(order.map((j) => j.jobId)).toEqual(['c', 'd', 'a', 'b']);
  });

  it('rounds chart axes to 1, 2 or 5 times a power of ten', () => {
    expect([0, 1, 3, 7, 10, 11, 48, 120].map(niceMax)).toEqual([1, 1, 5, 10, 10, 20, 50, 200]);
  });
});

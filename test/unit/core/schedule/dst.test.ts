import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  dstChangeOn,
  nextFireTimes,
  wallToInstants,
  zoneOffsetMs,
} from '../../../../lambdas/core/schedule/index.js';

// Transition dates checked by hand:
// America/New_York: DST 2nd Sun Mar 02:00 → 03:00 (2026-03-08, 2027-03-14), ends 1st Sun Nov 02:00 → 01:00
//   (2026-11-01, 2027-11-07). EST −05:00, EDT −04:00.
// Europe/Berlin: last Sun Mar 01:00Z (2026-03-29, 2027-03-28), last Sun Oct 01:00Z (2026-10-25, 2027-10-31).
//   CET +01:00, CEST +02:00.
// Australia/Sydney: DST ends 1st Sun Apr 03:00 → 02:00 (2026-04-05, 2027-04-04), starts 1st Sun Oct
//   02:00 → 03:00 (2026-10-04, 2027-10-03). AEST +10:00, AEDT +11:00.
// Australia/Lord_Howe: +10:30 / +11:00, 30-minute shifts on the same Sundays as Sydney, at 02:00 local.
// Asia/Kolkata: +05:30 all year.

interface Case {
  readonly name: string;
  readonly zone: string;
  readonly expression: string;
  readonly after: string;
  readonly expected: readonly string[];
}

const cases: readonly Case[] = [
  // America/New_York 2026
  {
    name: 'NY spring 2026: 02:30 does not exist on 03-08, so that day is skipped',
    zone: 'America/New_York',
    expression: '30 2 * * *',
    after: '2026-03-07T00:00:00Z',
    expected: ['2026-03-07T07:30:00Z', '2026-03-09T06:30:00Z', '2026-03-10T06:30:00Z'],
  },
  {
    name: 'NY spring 2026: hourly job has no 02:00',
    zone: 'America/New_York',
    expression: '0 * * * *',
    after: '2026-03-08T05:30:00Z',
    expected: [
      '2026-03-08T06:00:00Z',
      '2026-03-08T07:00:00Z',
      '2026-03-08T08:00:00Z',
      '2026-03-08T09:00:00Z',
    ],
  },
  {
    name: 'NY fall 2026: 01:30 fires once, at its EDT occurrence',
    zone: 'America/New_York',
    expression: '30 1 * * *',
    after: '2026-10-31T00:00:00Z',
    expected: ['2026-10-31T05:30:00Z', '2026-11-01T05:30:00Z', '2026-11-02T06:30:00Z'],
  },
  {
    name: 'NY fall 2026: every 15 minutes fires each wall time of the repeated hour once',
    zone: 'America/New_York',
    expression: '*/15 * * * *',
    after: '2026-11-01T04:50:00Z',
    expected: [
      '2026-11-01T05:00:00Z',
      '2026-11-01T05:15:00Z',
      '2026-11-01T05:30:00Z',
      '2026-11-01T05:45:00Z',
      '2026-11-01T07:00:00Z',
      '2026-11-01T07:15:00Z',
      '2026-11-01T07:30:00Z',
      '2026-11-01T07:45:00Z',
      '2026-11-01T08:00:00Z',
    ],
  },
  {
    name: 'NY fall 2026: after inside the second 01:xx, the next fire is 02:00 EST',
    zone: 'America/New_York',
    expression: '*/15 * * * *',
    after: '2026-11-01T06:10:00Z',
    expected: ['2026-11-01T07:00:00Z', '2026-11-01T07:15:00Z'],
  },
  {
    name: 'NY fall 2026: 01:30 already fired in EDT, so the next one is the following day',
    zone: 'America/New_York',
    expression: '30 1 * * *',
    after: '2026-11-01T05:45:00Z',
    expected: ['2026-11-02T06:30:00Z'],
  },
  // America/New_York 2027
  {
    name: 'NY spring 2027: 02:30 skipped on 03-14',
    zone: 'America/New_York',
    expression: '30 2 * * *',
    after: '2027-03-13T00:00:00Z',
    expected: ['2027-03-13T07:30:00Z', '2027-03-15T06:30:00Z'],
  },
  {
    name: 'NY fall 2027: 01:30 once on 11-07',
    zone: 'America/New_York',
    expression: '30 1 * * *',
    after: '2027-11-06T12:00:00Z',
    expected: ['2027-11-07T05:30:00Z', '2027-11-08T06:30:00Z'],
  },
  // Europe/Berlin 2026
  {
    name: 'Berlin spring 2026: 02:30 skipped on 03-29',
    zone: 'Europe/Berlin',
    expression: '30 2 * * *',
    after: '2026-03-28T00:00:00Z',
    expected: ['2026-03-28T01:30:00Z', '2026-03-30T00:30:00Z'],
  },
  {
    name: 'Berlin fall 2026: 02:30 once on 10-25, at its CEST occurrence',
    zone: 'Europe/Berlin',
    expression: '30 2 * * *',
    after: '2026-10-24T12:00:00Z',
    expected: ['2026-10-25T00:30:00Z', '2026-10-26T01:30:00Z'],
  },
  {
    name: 'Berlin fall 2026: half-hourly through the repeated hour',
    zone: 'Europe/Berlin',
    expression: '*/30 * * * *',
    after: '2026-10-24T23:45:00Z',
    expected: [
      '2026-10-25T00:00:00Z',
      '2026-10-25T00:30:00Z',
      '2026-10-25T02:00:00Z',
      '2026-10-25T02:30:00Z',
    ],
  },
  // Europe/Berlin 2027
  {
    name: 'Berlin spring 2027: 02:30 skipped on 03-28',
    zone: 'Europe/Berlin',
    expression: '30 2 * * *',
    after: '2027-03-27T00:00:00Z',
    expected: ['2027-03-27T01:30:00Z', '2027-03-29T00:30:00Z'],
  },
  {
    name: 'Berlin spring 2027: hourly job jumps from 01:00 CET to 03:00 CEST',
    zone: 'Europe/Berlin',
    expression: '0 * * * *',
    after: '2027-03-27T23:30:00Z',
    expected: ['2027-03-28T00:00:00Z', '2027-03-28T01:00:00Z', '2027-03-28T02:00:00Z'],
  },
  {
    name: 'Berlin fall 2027: 02:30 once on 10-31',
    zone: 'Europe/Berlin',
    expression: '30 2 * * *',
    after: '2027-10-30T12:00:00Z',
    expected: ['2027-10-31T00:30:00Z', '2027-11-01T01:30:00Z'],
  },
  // Australia/Sydney 2026 (southern hemisphere: DST ends in April, starts in October)
  {
    name: 'Sydney April 2026: 02:30 once on 04-05, at its AEDT occurrence',
    zone: 'Australia/Sydney',
    expression: '30 2 * * *',
    after: '2026-04-03T12:00:00Z',
    expected: ['2026-04-03T15:30:00Z', '2026-04-04T15:30:00Z', '2026-04-05T16:30:00Z'],
  },
  {
    name: 'Sydney April 2026: half-hourly through the repeated hour',
    zone: 'Australia/Sydney',
    expression: '*/30 * * * *',
    after: '2026-04-04T15:15:00Z',
    expected: ['2026-04-04T15:30:00Z', '2026-04-04T17:00:00Z', '2026-04-04T17:30:00Z'],
  },
  {
    name: 'Sydney October 2026: 02:30 skipped on 10-04',
    zone: 'Australia/Sydney',
    expression: '30 2 * * *',
    after: '2026-10-02T12:00:00Z',
    expected: ['2026-10-02T16:30:00Z', '2026-10-04T15:30:00Z'],
  },
  {
    name: 'Sydney October 2026: hourly job has no 02:00',
    zone: 'Australia/Sydney',
    expression: '0 * * * *',
    after: '2026-10-03T14:30:00Z',
    expected: ['2026-10-03T15:00:00Z', '2026-10-03T16:00:00Z', '2026-10-03T17:00:00Z'],
  },
  // Australia/Sydney 2027
  {
    name: 'Sydney April 2027: 02:30 once on 04-04',
    zone: 'Australia/Sydney',
    expression: '30 2 * * *',
    after: '2027-04-02T12:00:00Z',
    expected: ['2027-04-02T15:30:00Z', '2027-04-03T15:30:00Z', '2027-04-04T16:30:00Z'],
  },
  {
    name: 'Sydney October 2027: 02:30 skipped on 10-03',
    zone: 'Australia/Sydney',
    expression: '30 2 * * *',
    after: '2027-10-01T12:00:00Z',
    expected: ['2027-10-01T16:30:00Z', '2027-10-03T15:30:00Z'],
  },
  // Australia/Lord_Howe: 30-minute DST
  {
    name: 'Lord Howe October 2026: 02:15 falls in the 30-minute gap and is skipped',
    zone: 'Australia/Lord_Howe',
    expression: '15 2 * * *',
    after: '2026-10-02T12:00:00Z',
    expected: ['2026-10-02T15:45:00Z', '2026-10-04T15:15:00Z'],
  },
  {
    name: 'Lord Howe April 2026: 01:45 repeats and fires once, at +11:00',
    zone: 'Australia/Lord_Howe',
    expression: '45 1 * * *',
    after: '2026-04-03T12:00:00Z',
    expected: ['2026-04-03T14:45:00Z', '2026-04-04T14:45:00Z', '2026-04-05T15:15:00Z'],
  },
  // Asia/Kolkata: no DST, half-hour offset, unaffected by other zones' transition days
  {
    name: 'Kolkata: 02:30 IST is 21:00Z the day before, on US and EU transition days alike',
    zone: 'Asia/Kolkata',
    expression: '30 2 * * *',
    after: '2026-03-07T00:00:00Z',
    expected: ['2026-03-07T21:00:00Z', '2026-03-08T21:00:00Z'],
  },
];

describe('nextFireTimes across DST transitions', () => {
  it.each(cases)('$name', ({ zone, expression, after, expected }) => {
    const times = nextFireTimes(
      { type: 'cron', expression, timezone: zone },
      { after: new Date(after), count: expected.length },
    );
    expect(times.map((t) => t.toISOString())).toEqual(expected.map((e) => new Date(e).toISOString()));
  });

  it('Kolkata fires at 03:30Z on every day of 2026 and 2027', () => {
    const times = nextFireTimes(
      { type: 'cron', expression: '0 9 * * *', timezone: 'Asia/Kolkata' },
      { after: new Date('2025-12-31T12:00:00Z'), count: 730 },
    );
    expect(times).toHaveLength(730);
    times.forEach((t, i) => {
      expect(t.getTime()).toBe(Date.UTC(2026, 0, 1 + i, 3, 30));
    });
  });

  const wallMinute = (zone: string) => {
    const format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    });
    return (t: Date) => format.format(t);
  };

  it.each([
    ['America/New_York', '2026-11-01T04:00:00Z', '2026-11-02T05:00:00Z'],
    ['America/New_York', '2027-11-07T04:00:00Z', '2027-11-08T05:00:00Z'],
    ['Europe/Berlin', '2026-10-24T22:00:00Z', '2026-10-25T23:00:00Z'],
    ['Europe/Berlin', '2027-10-30T22:00:00Z', '2027-10-31T23:00:00Z'],
    ['Australia/Sydney', '2026-04-04T13:00:00Z', '2026-04-05T14:00:00Z'],
    ['Australia/Sydney', '2027-04-03T13:00:00Z', '2027-04-04T14:00:00Z'],
  ])(
    'every minute in %s over the 25-hour local day from %s fires 1440 distinct wall times',
    (zone, midnight, next) => {
      const start = Date.parse(midnight);
      const times = nextFireTimes(
        { type: 'cron', expression: '* * * * *', timezone: zone },
        { after: new Date(start - 1), count: 1600 },
      ).filter((t) => t.getTime() < Date.parse(next));
      expect(times[0].getTime()).toBe(start);
      expect(times).toHaveLength(24 * 60);
      expect(new Set(times.map(wallMinute(zone))).size).toBe(24 * 60);
    },
  );

  it('a spring-forward day has 23 hours of fires for an every-minute job', () => {
    const after = new Date('2026-03-08T04:59:00Z'); // 23:59 EST on 03-07
    const times = nextFireTimes(
      { type: 'cron', expression: '* * * * *', timezone: 'America/New_York' },
      { after, count: 2000 },
    );
    const nextMidnight = Date.parse('2026-03-09T04:00:00Z'); // 00:00 EDT on 03-09
    expect(times.filter((t) => t.getTime() < nextMidnight)).toHaveLength(23 * 60);
  });
});

describe('dstChangeOn', () => {
  it.each([
    ['Europe/Berlin', '2026-03-29T12:00:00Z', 'forward', 60, '2026-03-29T01:00:00.000Z'],
    ['Europe/Berlin', '2026-03-28T23:00:00Z', 'forward', 60, '2026-03-29T01:00:00.000Z'], // 00:00 CET
    ['Europe/Berlin', '2026-10-25T12:00:00Z', 'back', 60, '2026-10-25T01:00:00.000Z'],
    ['Europe/Berlin', '2026-10-25T22:59:59Z', 'back', 60, '2026-10-25T01:00:00.000Z'], // 23:59:59 CET
    ['America/New_York', '2026-03-08T12:00:00Z', 'forward', 60, '2026-03-08T07:00:00.000Z'],
    ['America/New_York', '2026-11-01T12:00:00Z', 'back', 60, '2026-11-01T06:00:00.000Z'],
    ['Australia/Sydney', '2026-10-04T00:00:00Z', 'forward', 60, '2026-10-03T16:00:00.000Z'],
    ['Australia/Lord_Howe', '2026-10-04T00:00:00Z', 'forward', 30, '2026-10-03T15:30:00.000Z'],
    ['Australia/Lord_Howe', '2026-04-05T00:00:00Z', 'back', 30, '2026-04-04T15:00:00.000Z'],
    // Chile switches at midnight: the change belongs to the day the clocks show right after it.
    ['America/Santiago', '2026-04-04T12:00:00Z', 'back', 60, '2026-04-05T03:00:00.000Z'], // 24:00 → Sat 23:00
    ['America/Santiago', '2026-09-06T12:00:00Z', 'forward', 60, '2026-09-06T04:00:00.000Z'], // 00:00 → 01:00
    // Samoa skipped 2011-12-30 entirely; 31 December starts with the jump.
    ['Pacific/Apia', '2011-12-30T12:00:00Z', 'forward', 1440, '2011-12-30T10:00:00.000Z'],
  ])('%s on the local day of %s: %s by %i minutes at %s', (zone, time, kind, shiftMinutes, at) => {
    expect(dstChangeOn(new Date(time), zone)).toEqual({ kind, shiftMinutes, at });
  });

  it.each([
    ['Europe/Berlin', '2026-03-28T22:59:59Z'], // 23:59:59 on the Saturday before
    ['Europe/Berlin', '2026-03-30T12:00:00Z'],
    ['Europe/Berlin', '2026-10-25T23:00:00Z'], // 00:00 on the Monday after
    ['America/New_York', '2026-07-04T12:00:00Z'],
    ['America/Santiago', '2026-04-05T12:00:00Z'],
    ['America/Santiago', '2026-09-05T12:00:00Z'],
    ['Asia/Kolkata', '2026-03-29T12:00:00Z'],
    ['UTC', '2026-03-29T12:00:00Z'],
    ['UTC', '2026-10-25T12:00:00Z'],
  ])('%s has no change on the local day of %s', (zone, time) => {
    expect(dstChangeOn(new Date(time), zone)).toBeUndefined();
  });

  it('answers undefined for an invalid Date and throws for an unknown zone', () => {
    expect(dstChangeOn(new Date(Number.NaN), 'Europe/Berlin')).toBeUndefined();
    expect(() => dstChangeOn(new Date('2026-03-29T12:00:00Z'), 'Mars/Olympus')).toThrow(RangeError);
  });

  // Zones whose midnight always exists once, so a local day is simply [its midnight, the next midnight).
  const zoneArb = fc.constantFrom(
    'UTC',
    'Europe/Berlin',
    'Europe/London',
    'America/New_York',
    'Australia/Sydney',
    'Australia/Lord_Howe',
    'Asia/Kolkata',
  );
  const DAY = 86_400_000;
  const transitionArb = fc.constantFrom(
    '2026-03-08T07:00:00Z',
    '2026-03-29T01:00:00Z',
    '2026-10-03T15:30:00Z',
    '2026-10-03T16:00:00Z',
    '2026-10-25T01:00:00Z',
    '2026-11-01T06:00:00Z',
  );
  const timeArb = fc.oneof(
    fc.integer({ min: Date.parse('2024-01-01T00:00:00Z'), max: Date.parse('2031-12-31T00:00:00Z') }),
    fc
      .tuple(transitionArb, fc.integer({ min: -2 * DAY, max: 2 * DAY }))
      .map(([t, delta]) => Date.parse(t) + delta),
  );

  it('is defined exactly when the offset at the start of the local day differs from the one at its end', () => {
    fc.assert(
      fc.property(zoneArb, timeArb, (zone, time) => {
        const midnight = Math.floor((time + zoneOffsetMs(zone, time)) / DAY) * DAY;
        const start = wallToInstants(zone, midnight)[0];
        const end = wallToInstants(zone, midnight + DAY)[0] - 1;
        const [before, after] = [zoneOffsetMs(zone, start), zoneOffsetMs(zone, end)];
        const change = dstChangeOn(new Date(time), zone);
        expect(change !== undefined).toBe(before !== after);
        if (change === undefined) return;
        const at = Date.parse(change.at);
        expect(at).toBeGreaterThan(start);
        expect(at).toBeLessThanOrEqual(end);
        expect(zoneOffsetMs(zone, at - 1)).toBe(before);
        expect(zoneOffsetMs(zone, at)).toBe(after);
        expect(change.kind).toBe(after > before ? 'forward' : 'back');
        expect(change.shiftMinutes).toBe(Math.abs(after - before) / 60_000);
      }),
      { numRuns: 300 },
    );
  });
});

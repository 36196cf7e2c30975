import { CronExpressionParser } from 'cron-parser';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  nextFireTimes,
  type Schedule,
  scheduleProblems,
  toEventBridgeExpression,
} from '../../../../lambdas/core/schedule/index.js';

// ---- generators: each field comes with the set of values it denotes, computed here independently ----

interface Field {
  readonly text: string;
  readonly values: ReadonlySet<number>;
}

const MONTH_NAMES = ['', 'JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

function span(from: number, to: number, step: number, fold: (v: number) => number): Set<number> {
  const values = new Set<number>();
  for (let v = from; v <= to; v += step) values.add(fold(v));
  return values;
}

function fieldArb(min: number, max: number, starMax: number, names?: readonly string[]): fc.Arbitrary<Field> {
  const fold = (v: number) => (names === DAY_NAMES ? v % 7 : v);
  const word = (v: number) =>
    fc.constantFrom('num', 'upper', 'lower').map((style) => {
      const name = names?.[v];
      if (style === 'num' || name === undefined || name === '') return String(v);
      return style === 'upper' ? name : name.toLowerCase();
    });
  const value = fc.integer({ min, max });
  const pair = fc.tuple(value, value).map(([a, b]) => (a <= b ? [a, b] : [b, a]));
  const step = fc.integer({ min: 1, max: max - min });
  const item: fc.Arbitrary<Field> = fc.oneof(
    value.chain((v) => word(v).map((text) => ({ text, values: span(v, v, 1, fold) }))),
    pair.chain(([a, b]) =>
      fc.tuple(word(a), word(b)).map(([x, y]) => ({ text: `${x}-${y}`, values: span(a, b, 1, fold) })),
    ),
    step.map((n) => ({ text: `*/${n}`, values: span(min, starMax, n, fold) })),
    fc.tuple(pair, step).map(([[a, b], n]) => ({ text: `${a}-${b}/${n}`, values: span(a, b, n, fold) })),
    fc.tuple(value, step).map(([a, n]) => ({ text: `${a}/${n}`, values: span(a, max, n, fold) })),
  );
  const list = fc.array(item, { minLength: 1, maxLength: 3 }).map((items) => ({
    text: items.map((i) => i.text).join(','),
    values: new Set(items.flatMap((i) => [...i.values])),
  }));
  const star: Field = { text: '*', values: span(min, starMax, 1, fold) };
  return fc.oneof({ arbitrary: fc.constant(star), weight: 1 }, { arbitrary: list, weight: 2 });
}

const sorted = (s: ReadonlySet<number>) => [...s].sort((a, b) => a - b);

interface Cron {
  readonly expression: string;
  readonly fields: readonly Field[];
}

const minuteArb = fieldArb(0, 59, 59);
const hourArb = fieldArb(0, 23, 23);
const domArb = fieldArb(1, 31, 31);
const monthArb = fieldArb(1, 12, 12, MONTH_NAMES);
const dowArb = fieldArb(0, 7, 6, DAY_NAMES);
const STAR_DOM: Field = { text: '*', values: span(1, 31, 1, (v) => v) };
const STAR_DOW: Field = { text: '*', values: span(0, 6, 1, (v) => v) };
const STAR_MONTH: Field = { text: '*', values: span(1, 12, 1, (v) => v) };

const toCron = (fields: readonly Field[]): Cron => ({
  expression: fields.map((f) => f.text).join(' '),
  fields,
});

/** Any valid expression: at most one of day-of-month / day-of-week restricted. */
const cronArb: fc.Arbitrary<Cron> = fc
  .tuple(
    minuteArb,
    hourArb,
    fc.oneof(
      domArb.map((d) => [d, STAR_DOW]),
      dowArb.map((w) => [STAR_DOM, w]),
    ),
    monthArb,
  )
  .map(([minute, hour, [dom, dow], month]) => toCron([minute, hour, dom, month, dow]));

/** Expressions that fire at least daily, for a brute-force comparison over a short window. */
const denseCronArb: fc.Arbitrary<Cron> = fc
  .tuple(minuteArb, hourArb)
  .map(([minute, hour]) => toCron([minute, hour, STAR_DOM, STAR_MONTH, STAR_DOW]));

const ZONES = [
  'UTC',
  'America/New_York',
  'Europe/Berlin',
  'Europe/London',
  'Australia/Sydney',
  'Australia/Lord_Howe',
  'Asia/Kolkata',
  'America/St_Johns',
  'Pacific/Chatham',
  'America/Sao_Paulo',
] as const;
const zoneArb = fc.constantFrom(...ZONES);

// DST transitions of 2026/2027 in the zones above, so `after` often lands near one.
const TRANSITIONS = [
  '2026-03-08T07:00:00Z',
  '2026-11-01T06:00:00Z',
  '2027-03-14T07:00:00Z',
  '2027-11-07T06:00:00Z',
  '2026-03-29T01:00:00Z',
  '2026-10-25T01:00:00Z',
  '2027-03-28T01:00:00Z',
  '2027-10-31T01:00:00Z',
  '2026-04-04T16:00:00Z',
  '2026-10-03T16:00:00Z',
  '2027-04-03T16:00:00Z',
  '2027-10-02T16:00:00Z',
  '2026-04-04T15:00:00Z',
  '2026-10-03T15:30:00Z',
].map(Date.parse);
const DAY = 86_400_000;

const afterArb: fc.Arbitrary<Date> = fc.oneof(
  fc
    .integer({ min: Date.parse('2024-01-01T00:00:00Z'), max: Date.parse('2031-12-31T00:00:00Z') })
    .map((t) => new Date(t)),
  fc
    .tuple(fc.constantFrom(...TRANSITIONS), fc.integer({ min: -3 * DAY, max: 3 * DAY }))
    .map(([t, delta]) => new Date(t + delta)),
);

// ---- an independent view of local wall time, straight from Intl ----

interface Wall {
  readonly key: string;
  readonly fields: readonly number[]; // minute hour day month weekday
}

const formats = new Map<string, Intl.DateTimeFormat>();
function wallOf(zone: string, t: number): Wall {
  let format = formats.get(zone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      weekday: 'short',
    });
    formats.set(zone, format);
  }
  const part = Object.fromEntries(format.formatToParts(t).map((p) => [p.type, p.value]));
  const fields = [part.minute, part.hour, part.day, part.month].map(Number);
  fields.push(DAY_NAMES.indexOf(part.weekday.toUpperCase()));
  return { key: `${part.year}-${part.month}-${part.day} ${part.hour}:${part.minute}`, fields };
}

function matches(cron: Cron, wall: Wall): boolean {
  const [minute, hour, day, month, weekday] = wall.fields;
  const [m, h, dom, mon, dow] = cron.fields;
  return (
    m.values.has(minute) &&
    h.values.has(hour) &&
    dom.values.has(day) &&
    mon.values.has(month) &&
    dow.values.has(weekday)
  );
}

const cronSchedule = (cron: Cron, timezone: string): Schedule => ({
  type: 'cron',
  expression: cron.expression,
  timezone,
});

describe('nextFireTimes properties', () => {
  it('ascending, after `after`, matching in local time, one fire per wall time, and resumable', () => {
    fc.assert(
      fc.property(cronArb, zoneArb, afterArb, (cron, zone, after) => {
        const schedule = cronSchedule(cron, zone);
        const times = nextFireTimes(schedule, { after, count: 12 }).map((d) => d.getTime());
        const walls = times.map((t) => wallOf(zone, t));
        times.forEach((t, i) => {
          expect(t).toBeGreaterThan(i === 0 ? after.getTime() : times[i - 1]);
          expect(t % 60_000).toBe(0);
          expect(matches(cron, walls[i])).toBe(true);
        });
        expect(new Set(walls.map((w) => w.key)).size).toBe(walls.length);
        for (let i = 0; i + 1 < times.length; i++) {
          const next = nextFireTimes(schedule, { after: new Date(times[i]), count: 1 });
          expect(next.map((d) => d.getTime())).toEqual([times[i + 1]]);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('equals a minute-by-minute brute force (first occurrence of each wall time) over 36 hours', () => {
    fc.assert(
      fc.property(denseCronArb, zoneArb, afterArb, (cron, zone, after) => {
        const from = after.getTime();
        const windowEnd = from + 36 * 3_600_000;
        const seen = new Set<string>();
        const expected: number[] = [];
        // Start 3 h early so the first occurrence of a repeated wall time is always seen.
        for (let t = Math.ceil((from - 3 * 3_600_000) / 60_000) * 60_000; t < windowEnd; t += 60_000) {
          const wall = wallOf(zone, t);
          if (seen.has(wall.key)) continue;
          seen.add(wall.key);
          if (t > from && matches(cron, wall)) expected.push(t);
        }
        const actual = nextFireTimes(cronSchedule(cron, zone), { after, count: expected.length + 1 })
          .map((d) => d.getTime())
          .filter((t) => t < windowEnd);
        expect(actual).toEqual(expected);
      }),
      { numRuns: 60 },
    );
  }, 20_000);

  it('agrees with cron-parser in UTC, including sparse day and month rules', () => {
    fc.assert(
      fc.property(cronArb, afterArb, (cron, after) => {
        const ours = nextFireTimes(cronSchedule(cron, 'UTC'), { after, count: 5 }).map((d) =>
          d.toISOString(),
        );
        // cron-parser refuses overlapping list items, so it gets each field's value set spelled out.
        const plain = cron.fields.map((f) => (f.text === '*' ? '*' : sorted(f.values).join(','))).join(' ');
        let it: ReturnType<typeof CronExpressionParser.parse>;
        try {
          it = CronExpressionParser.parse(plain, { currentDate: after, tz: 'UTC' });
        } catch (error) {
          // cron-parser refuses impossible dates such as 31 April up front; ours finds no fire time.
          expect(String(error)).toContain('Invalid explicit day of month');
          expect(ours).toEqual([]);
          return;
        }
        const theirs: string[] = [];
        // cron-parser has no horizon; ours stops after 8 empty years, so only compare what ours found.
        for (let i = 0; i < ours.length; i++) theirs.push(it.next().toDate().toISOString());
        expect(ours).toEqual(theirs);
        if (ours.length < 5 && it.hasNext()) {
          const later = it.next().toDate();
          const lastOurs = ours.length === 0 ? after : new Date(ours[ours.length - 1]);
          expect(later.getTime() - lastOurs.getTime()).toBeGreaterThan(8 * 365 * DAY);
        }
      }),
      { numRuns: 200 },
    );
  });
});

// ---- EventBridge translation: shape and meaning ----

/** Reads an EventBridge field of the forms we emit: *, a, a-b, a/n and lists of them. */
function ebValues(text: string, min: number, max: number): Set<number> {
  if (text === '*') return span(min, max, 1, (v) => v);
  const values = new Set<number>();
  for (const item of text.split(',')) {
    const step = /^(\d+)\/(\d+)$/.exec(item);
    const range = /^(\d+)-(\d+)$/.exec(item);
    if (step) for (const v of span(Number(step[1]), max, Number(step[2]), (x) => x)) values.add(v);
    else if (range) for (const v of span(Number(range[1]), Number(range[2]), 1, (x) => x)) values.add(v);
    else if (/^\d+$/.test(item)) values.add(Number(item));
    else throw new Error(`unexpected EventBridge item '${item}'`);
  }
  return values;
}

describe('toEventBridgeExpression properties', () => {
  it('6 fields, exactly one ? among the day fields, year *, same sets with day-of-week renumbered', () => {
    fc.assert(
      fc.property(cronArb, (cron) => {
        const out = toEventBridgeExpression({ type: 'cron', expression: cron.expression });
        const m = /^cron\((.*)\)$/.exec(out?.expression ?? '');
        expect(m).not.toBeNull();
        const fields = m![1].split(' ');
        expect(fields).toHaveLength(6);
        expect([fields[2], fields[4]].filter((f) => f === '?')).toHaveLength(1);
        expect(fields[5]).toBe('*');
        const [minute, hour, dom, month, dow] = cron.fields;
        expect(sorted(ebValues(fields[0], 0, 59))).toEqual(sorted(minute.values));
        expect(sorted(ebValues(fields[1], 0, 23))).toEqual(sorted(hour.values));
        expect(sorted(ebValues(fields[3], 1, 12))).toEqual(sorted(month.values));
        if (fields[2] !== '?') expect(sorted(ebValues(fields[2], 1, 31))).toEqual(sorted(dom.values));
        if (fields[4] !== '?') {
          const unix = new Set([...ebValues(fields[4], 1, 7)].map((v) => v - 1));
          expect(sorted(unix)).toEqual(sorted(dow.values));
        } else {
          expect(dow.text).toBe('*');
        }
      }),
      { numRuns: 300 },
    );
  });
});

// ---- validation never throws ----

const CRON_TOKENS = [
  '*',
  '?',
  'L',
  'W',
  '#',
  '/',
  '-',
  ',',
  ' ',
  '0',
  '7',
  '31',
  '60',
  'MON',
  'jan',
  '@',
  'H',
  '5',
];
const cronishArb = fc.array(fc.constantFrom(...CRON_TOKENS), { maxLength: 20 }).map((t) => t.join(''));
const textArb = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), cronishArb);
const instantishArb = fc.oneof(
  textArb,
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  fc.constantFrom('2026-01-01T00:00:00Z', '9999-12-31T23:59:59+23:59', '0000-01-01T00:00:00-23:59'),
);
const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
const ALLOWED_PATHS = new Set(['expression', 'timezone', 'every', 'at', 'startAt', 'endAt']);

describe('scheduleProblems properties', () => {
  it('never throws and only reports known paths, whatever the strings', () => {
    const scheduleArb: fc.Arbitrary<Schedule> = fc.oneof(
      fc.record({ type: fc.constant('at' as const), at: instantishArb }),
      fc.record({
        type: fc.constant('cron' as const),
        expression: fc.oneof(
          textArb,
          cronArb.map((c) => c.expression),
        ),
        timezone: optional(fc.oneof(textArb, zoneArb)),
        startAt: optional(instantishArb),
        endAt: optional(instantishArb),
      }),
      fc.record({
        type: fc.constant('rate' as const),
        every: fc.oneof(textArb, fc.constantFrom('5 minutes', '1 hour', '0 days', '1e3 minutes')),
        startAt: optional(instantishArb),
        endAt: optional(instantishArb),
      }),
    );
    fc.assert(
      fc.property(scheduleArb, fc.date({ noInvalidDate: true }), (schedule, now) => {
        const problems = scheduleProblems(schedule, { now });
        for (const p of problems) {
          expect(ALLOWED_PATHS.has(p.path)).toBe(true);
          expect(p.message.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 500 },
    );
  });
});

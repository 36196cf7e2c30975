import { describe, expect, it } from 'vitest';
import {
  firstInstantOfWall,
  isValidTimezone,
  parseInstant,
  wallToInstants,
  zoneOffsetMs,
} from '../../../../lambdas/core/schedule/index.js';

describe('isValidTimezone', () => {
  it.each([
    'UTC',
    'Etc/UTC',
    'Europe/Berlin',
    'America/New_York',
    'America/Argentina/Buenos_Aires',
    'America/Port-au-Prince',
    'Asia/Kolkata',
    'Australia/Lord_Howe',
    'Etc/GMT+5',
  ])('accepts %s', (tz) => {
    expect(isValidTimezone(tz)).toBe(true);
  });

  it.each([
    '',
    'Foo/Bar',
    '+02:00',
    '-05:00',
    'UTC+2',
    'utc',
    'america/new_york',
    'America/NEW_YORK',
    ' UTC',
    'Europe/',
  ])('rejects %j', (tz) => {
    expect(isValidTimezone(tz)).toBe(false);
  });
});

describe('zone offsets and wall-time mapping', () => {
  const wall = (text: string) => Date.parse(`${text}Z`);

  it('offsets, including half-hour zones', () => {
    expect(zoneOffsetMs('Asia/Kolkata', Date.parse('2026-07-01T00:00:00Z'))).toBe(5.5 * 3_600_000);
    expect(zoneOffsetMs('America/New_York', Date.parse('2026-03-08T06:59:59Z'))).toBe(-5 * 3_600_000);
    expect(zoneOffsetMs('America/New_York', Date.parse('2026-03-08T07:00:00Z'))).toBe(-4 * 3_600_000);
    expect(zoneOffsetMs('Australia/Lord_Howe', Date.parse('2026-01-15T00:00:00Z'))).toBe(11 * 3_600_000);
    expect(zoneOffsetMs('Australia/Lord_Howe', Date.parse('2026-07-15T00:00:00Z'))).toBe(10.5 * 3_600_000);
  });

  it('a gap wall time has no instant, an overlap wall time has two', () => {
    expect(wallToInstants('America/New_York', wall('2026-03-08T02:30:00'))).toEqual([]);
    expect(wallToInstants('America/New_York', wall('2026-11-01T01:30:00'))).toEqual([
      Date.parse('2026-11-01T05:30:00Z'),
      Date.parse('2026-11-01T06:30:00Z'),
    ]);
    expect(firstInstantOfWall('America/New_York', wall('2026-11-01T01:30:00'))).toBe(
      Date.parse('2026-11-01T05:30:00Z'),
    );
    expect(wallToInstants('Australia/Lord_Howe', wall('2026-10-04T02:10:00'))).toEqual([]);
    expect(wallToInstants('Australia/Lord_Howe', wall('2026-04-05T01:40:00'))).toEqual([
      Date.parse('2026-04-04T14:40:00Z'),
      Date.parse('2026-04-04T15:10:00Z'),
    ]);
  });
});

describe('parseInstant', () => {
  it.each([
    ['2026-05-01T09:00:00Z', '2026-05-01T09:00:00.000Z'],
    ['2026-05-01T11:00:00+02:00', '2026-05-01T09:00:00.000Z'],
    ['2026-05-01T04:30-04:30', '2026-05-01T09:00:00.000Z'],
    ['2026-05-01T09:00:00.123456Z', '2026-05-01T09:00:00.123Z'],
    ['2028-02-29T00:00:00z', '2028-02-29T00:00:00.000Z'],
  ])('parses %s', (text, expected) => {
    expect(parseInstant(text)?.toISOString()).toBe(expected);
  });

  it.each([
    '2026-05-01',
    '2026-05-01T09:00:00',
    '2026-05-01 09:00:00Z',
    '2026-02-29T00:00:00Z',
    '2026-13-01T00:00:00Z',
    '2026-05-01T24:00:00Z',
    '2026-05-01T09:60:00Z',
    '2026-05-01T09:00:00+0200',
    '2026-05-01T09:00:00+24:00',
    'tomorrow',
    '',
  ])('rejects %j', (text) => {
    expect(parseInstant(text)).toBeUndefined();
  });
});

import { DAY_MS, daysFromCivil, HOUR_MS, MINUTE_MS } from './calendar.js';

/**
 * IANA names are `Area/Location[/Sub]` with each segment starting with a capital letter (`UTC`, `Etc/GMT+5`,
 * `America/Port-au-Prince`). Checking the shape first keeps out offsets such as `+02:00`, which newer ICU
 * versions accept but EventBridge Scheduler does not, and lower-case spellings that Intl folds silently.
 */
const IANA_NAME = /^[A-Z][A-Za-z0-9_+-]*(?:\/[A-Z][A-Za-z0-9_+-]*)*$/;
const MAX_NAME_LENGTH = 64;

interface Zone {
  /** Undefined for zones that are always UTC, so they skip Intl entirely. */
  readonly format: Intl.DateTimeFormat | undefined;
  /** Offset per 15-minute bucket of instants, or NaN when a transition falls inside the bucket. */
  readonly buckets: Map<number, number>;
}

// Only names Intl accepted are cached, so the map is bounded by the number of real zones.
const zones = new Map<string, Zone>();
const BUCKET_MS = 15 * MINUTE_MS;
const MAX_BUCKETS = 100_000;
const MAX_DATE_MS = 8.64e15;

function loadZone(tz: string): Zone | undefined {
  const cached = zones.get(tz);
  if (cached !== undefined) return cached;
  if (tz.length > MAX_NAME_LENGTH || !IANA_NAME.test(tz)) return undefined;
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      numberingSystem: 'latn',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  } catch (error) {
    if (error instanceof RangeError) return undefined;
    throw error;
  }
  const resolved = format.resolvedOptions().timeZone;
  // Intl matches names case-insensitively; EventBridge does not, so 'America/NEW_YORK' is refused.
  if (resolved.toLowerCase() === tz.toLowerCase() && resolved !== tz) return undefined;
  const zone: Zone = { format: resolved === 'UTC' ? undefined : format, buckets: new Map() };
  zones.set(tz, zone);
  return zone;
}

/** Whether `tz` is an IANA time zone name that Intl knows, e.g. `Europe/Berlin` or `UTC`. */
export function isValidTimezone(tz: string): boolean {
  return typeof tz === 'string' && loadZone(tz) !== undefined;
}

function exactOffset(format: Intl.DateTimeFormat, instant: number): number {
  let year = 0;
  let month = 0;
  let day = 0;
  let hour = 0;
  let minute = 0;
  let second = 0;
  // Intl throws outside the Date range (±8.64e15 ms); the bucket ends we probe may step just past it.
  for (const part of format.formatToParts(Math.min(Math.max(instant, -MAX_DATE_MS), MAX_DATE_MS))) {
    switch (part.type) {
      case 'year':
        year = Number(part.value);
        break;
      case 'month':
        month = Number(part.value);
        break;
      case 'day':
        day = Number(part.value);
        break;
      case 'hour':
        hour = Number(part.value) % 24;
        break;
      case 'minute':
        minute = Number(part.value);
        break;
      case 'second':
        second = Number(part.value);
        break;
      default:
        break;
    }
  }
  const wall = daysFromCivil(year, month, day) * DAY_MS + hour * HOUR_MS + minute * MINUTE_MS + second * 1000;
  return wall - (instant - (((instant % 1000) + 1000) % 1000));
}

/**
 * Offset of `tz` from UTC in milliseconds at `instant` (local wall time = instant + offset).
 * Throws for an unknown zone: callers validate names first.
 */
export function zoneOffsetMs(tz: string, instant: number): number {
  const zone = loadZone(tz);
  if (zone === undefined) throw new RangeError(`Unknown time zone '${tz}'.`);
  if (zone.format === undefined) return 0;
  // Intl formatting costs microseconds; transitions in current tzdata fall on quarter hours, so one
  // lookup per 15-minute bucket (checked at both ends) serves every instant inside it.
  const bucket = Math.floor(instant / BUCKET_MS);
  let offset = zone.buckets.get(bucket);
  if (offset === undefined) {
    const start = exactOffset(zone.format, bucket * BUCKET_MS);
    const end = exactOffset(zone.format, bucket * BUCKET_MS + BUCKET_MS - 1);
    offset = start === end ? start : Number.NaN;
    if (zone.buckets.size >= MAX_BUCKETS) zone.buckets.clear();
    zone.buckets.set(bucket, offset);
  }
  return Number.isNaN(offset) ? exactOffset(zone.format, instant) : offset;
}

import { DAY_MS, daysFromCivil, daysInMonth, HOUR_MS, MINUTE_MS } from './calendar.js';

/**
 * Date and time with an explicit zone designator. A zone-less or date-only string is refused on purpose:
 * `Date.parse` would read it in the server's zone (or as UTC midnight), which is never what a user meant.
 */
const ISO_INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

/** What {@link parseInstant} accepts, for error messages. */
export const INSTANT_FORMAT_HINT =
  'use an ISO-8601 date-time with Z or an offset, e.g. 2026-05-01T09:00:00Z or 2026-05-01T11:00:00+02:00';

/**
 * Parses an ISO-8601 instant that carries `Z` or a `±hh:mm` offset (`2026-05-01T09:00:00Z`,
 * `2026-05-01T11:00+02:00`). Returns undefined for anything else, including impossible dates.
 */
export function parseInstant(text: string): Date | undefined {
  if (typeof text !== 'string' || text.length > 40) return undefined;
  const m = ISO_INSTANT.exec(text);
  if (m === null) return undefined;
  const [year, month, day, hour, minute] = [m[1], m[2], m[3], m[4], m[5]].map(Number);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  const millis = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, '0'));
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  let offset = 0;
  if (m[8] === undefined) {
    const offsetHours = Number(m[10]);
    const offsetMinutes = Number(m[11]);
    if (offsetHours > 23 || offsetMinutes > 59) return undefined;
    offset = (m[9] === '-' ? -1 : 1) * (offsetHours * HOUR_MS + offsetMinutes * MINUTE_MS);
  }
  const wall = daysFromCivil(year, month, day) * DAY_MS + hour * HOUR_MS + minute * MINUTE_MS + second * 1000;
  return new Date(wall + millis - offset);
}

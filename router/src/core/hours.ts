// Business hours, holidays and local days in an IANA time zone, as pure functions of a time.
// Intl gives the zone's offset; results are cached by the caller until the next boundary.

import type { BusinessHours } from './types.js';

interface LocalParts {
  year: number;
  month: number; // 1..12
  day: number;
  weekday: number; // 0 = Sunday
  minutes: number; // minutes since local midnight
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };
const MINUTE = 60_000;
const DAY = 86_400_000;

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      weekday: 'short',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

export function localParts(ms: number, timeZone: string): LocalParts & { second: number } {
  const parts: Record<string, string> = {};
  for (const p of formatter(timeZone).formatToParts(ms)) parts[p.type] = p.value;
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    weekday: WEEKDAYS[parts.weekday!]!,
    minutes: Number(parts.hour) * 60 + Number(parts.minute),
    second: Number(parts.second),
  };
}

/** Offset of the zone at `ms`, in ms (local wall clock minus UTC). */
function offsetAt(ms: number, timeZone: string): number {
  const p = localParts(ms, timeZone);
  const wall = Date.UTC(p.year, p.month - 1, p.day, 0, p.minutes, p.second);
  return wall - Math.floor(ms / 1000) * 1000;
}

/** UTC instant of a local wall time (minutes since midnight of a local date). */
export function localToUtc(year: number, month: number, day: number, minutes: number, timeZone: string): number {
  const wall = Date.UTC(year, month - 1, day, 0, minutes);
  const guess = wall - offsetAt(wall, timeZone);
  // One correction covers a guess that landed across an offset change.
  return wall - offsetAt(guess, timeZone);
}

/** The first instant of the next local day. */
export function startOfNextLocalDay(ms: number, timeZone: string): number {
  const p = localParts(ms, timeZone);
  const next = new Date(Date.UTC(p.year, p.month - 1, p.day + 1));
  return localToUtc(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate(), 0, timeZone);
}

export function localDateKey(year: number, month: number, day: number): string {
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function hhmm(text: string): number {
  const m = /^(\d{1,2}):(\d{2})$/.exec(text);
  if (!m) return NaN;
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (h > 24 || min > 59 || (h === 24 && min !== 0)) return NaN;
  return h * 60 + min;
}

export function validateHours(hours: BusinessHours): string | undefined {
  if (!isValidTimeZone(hours.timeZone)) return `unknown time zone ${hours.timeZone}`;
  for (const i of hours.weekly) {
    const open = hhmm(i.open);
    const close = hhmm(i.close);
    if (!(i.weekday >= 0 && i.weekday <= 6) || Number.isNaN(open) || Number.isNaN(close) || open >= close) {
      return `invalid opening interval ${JSON.stringify(i)}`;
    }
  }
  for (const d of hours.holidays) if (!/^\d{4}-\d{2}-\d{2}$/.test(d)) return `invalid holiday ${d}`;
  return undefined;
}

export type OpenState = { open: true; until: number | undefined } | { open: false; nextOpenAt: number | undefined };

/**
 * Whether the hours are open at `ms`; when open, until when; when closed, the next opening.
 * Looks at most 400 local days ahead (a year of holidays), then gives up with undefined.
 */
export function openState(hours: BusinessHours, ms: number): OpenState {
  const tz = hours.timeZone;
  const holidays = new Set(hours.holidays);
  const byWeekday: [number, number][][] = [[], [], [], [], [], [], []];
  for (const i of hours.weekly) byWeekday[i.weekday]!.push([hhmm(i.open), hhmm(i.close)]);
  for (const list of byWeekday) list.sort((a, b) => a[0] - b[0]);

  const now = localParts(ms, tz);
  for (let offset = 0; offset < 400; offset++) {
    const date = new Date(Date.UTC(now.year, now.month - 1, now.day + offset));
    const y = date.getUTCFullYear();
    const mo = date.getUTCMonth() + 1;
    const d = date.getUTCDate();
    if (holidays.has(localDateKey(y, mo, d))) continue;
    for (const [open, close] of byWeekday[date.getUTCDay()]!) {
      if (offset === 0 && now.minutes >= close) continue;
      if (offset === 0 && now.minutes >= open) {
        return { open: true, until: localToUtc(y, mo, d, close, tz) };
      }
      return { open: false, nextOpenAt: localToUtc(y, mo, d, open, tz) };
    }
  }
  return { open: false, nextOpenAt: undefined };
}

export { MINUTE, DAY };

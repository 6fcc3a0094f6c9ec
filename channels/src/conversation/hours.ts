// Business hours in the citizen's words (pt-BR): when human service opens next, and the weekly
// schedule, from the group's hours as the router holds them.
import { openState, type BusinessHours, type GroupConfig } from '@atende/router';

const WEEKDAYS = ['dom', 'seg', 'ter', 'qua', 'qui', 'sex', 'sáb'];

export type Availability = { open: true } | { open: false; nextOpenAt?: number; schedule: string };

export function availability(group: GroupConfig, now: number): Availability {
  if (!group.hours) return { open: true };
  const state = openState(group.hours, now);
  if (state.open) return { open: true };
  return { open: false, nextOpenAt: state.nextOpenAt, schedule: describeSchedule(group.hours) };
}

/** "segunda-feira, 24/11, às 08:00" in the hours' time zone. */
export function describeOpening(at: number, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('pt-BR', {
    timeZone,
    weekday: 'long',
    day: '2-digit',
    month: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('weekday')}, ${get('day')}/${get('month')}, às ${get('hour')}:${get('minute')}`;
}

/** "seg a sex, 08:00 às 18:00" — consecutive days with the same interval are joined. */
export function describeSchedule(hours: BusinessHours): string {
  const byInterval = new Map<string, number[]>();
  for (const i of hours.weekly) {
    const key = `${i.open} às ${i.close}`;
    byInterval.set(key, [...(byInterval.get(key) ?? []), i.weekday]);
  }
  const pieces: string[] = [];
  for (const [interval, days] of byInterval) {
    const sorted = [...new Set(days)].sort((a, b) => a - b);
    const runs: string[] = [];
    let start = sorted[0]!;
    for (let k = 1; k <= sorted.length; k++) {
      if (sorted[k] !== sorted[k - 1]! + 1) {
        const end = sorted[k - 1]!;
        runs.push(start === end ? WEEKDAYS[start]! : `${WEEKDAYS[start]} a ${WEEKDAYS[end]}`);
        start = sorted[k]!;
      }
    }
    pieces.push(`${runs.join(', ')}, ${interval}`);
  }
  return pieces.join('; ');
}

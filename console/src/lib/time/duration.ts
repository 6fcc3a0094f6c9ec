// Durations as the screens show them: "0:42", "12:05", "1:02:03"; elapsed seconds since an instant.

/** "m:ss" under an hour, "h:mm:ss" from there; negative or invalid input shows as 0:00. */
export function formatDuration(totalSeconds: number): string {
  const seconds = Number.isFinite(totalSeconds) ? Math.max(0, Math.floor(totalSeconds)) : 0;
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const ss = String(s).padStart(2, '0');
  if (h === 0) return `${m}:${ss}`;
  return `${h}:${String(m).padStart(2, '0')}:${ss}`;
}

/** An average that may not exist yet (no sessions): "—" instead of 0:00. */
export function formatOptionalDuration(seconds: number | null | undefined): string {
  return seconds === null || seconds === undefined || !Number.isFinite(seconds) ? '—' : formatDuration(seconds);
}

/** A duration read aloud by screen readers and tooltips: "1 h 2 min 3 s". */
export function describeDuration(totalSeconds: number): string {
  const seconds = Math.max(0, Math.floor(totalSeconds));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const parts: string[] = [];
  if (h > 0) parts.push(`${h} h`);
  if (m > 0) parts.push(`${m} min`);
  if (s > 0 || parts.length === 0) parts.push(`${s} s`);
  return parts.join(' ');
}

/** Whole seconds from `since` (ISO-8601 or epoch ms) to `now`; 0 when since is missing or ahead. */
export function elapsedSeconds(since: string | number | undefined, now: number): number {
  if (since === undefined) return 0;
  const start = typeof since === 'number' ? since : Date.parse(since);
  if (!Number.isFinite(start)) return 0;
  return Math.max(0, Math.floor((now - start) / 1000));
}

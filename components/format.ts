/** Times as the pages show them, in the UI language. Tests pass `now` instead of faking the clock. */
import { t, uiLanguage } from '@/lib/i18n';

const MINUTE = 60_000;
const pad = (n: number) => String(n).padStart(2, '0');

/** A call's running time or length: "04:07", or "1:02:03" past an hour. */
export function formatClock(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  return hours > 0 ? `${hours}:${pad(minutes)}:${pad(seconds)}` : `${pad(minutes)}:${pad(seconds)}`;
}

const timeOfDay = (date: Date) => `${pad(date.getHours())}:${pad(date.getMinutes())}`;

const startOfDay = (date: Date) => new Date(date.getFullYear(), date.getMonth(), date.getDate()).getTime();

/** When a call was, relative to now: "just now", "5 min ago", "14:02", "Yesterday 14:02", then a date. */
export function formatWhen(at: number, now: number): string {
  const ago = now - at;
  if (ago < MINUTE) return t('justNow');
  if (ago < 60 * MINUTE) return t('minutesAgo', String(Math.floor(ago / MINUTE)));
  const date = new Date(at);
  const today = startOfDay(new Date(now));
  if (at >= today) return timeOfDay(date);
  // Yesterday by the calendar, not "24 hours ago": a call at 23:00 seen at 08:00 was yesterday.
  const yesterday = startOfDay(new Date(today - 1));
  if (at >= yesterday) return t('yesterdayAt', timeOfDay(date));
  const sameYear = date.getFullYear() === new Date(now).getFullYear();
  return date.toLocaleDateString(uiLanguage(), { day: 'numeric', month: 'short', ...(sameYear ? {} : { year: 'numeric' }) });
}

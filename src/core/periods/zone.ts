/**
 * Between instants (UTC epoch milliseconds) and the org's local days.
 *
 * Only `Intl.DateTimeFormat` knows the IANA rules, and it only goes one way:
 * instant -> wall clock. The other way (local midnight -> instant) is solved
 * by guessing with the offsets in force a day before and a day after, then
 * checking the guess, so DST changes, half-hour zones and historical offsets
 * with seconds all come out exact. A day's bounds are its first instant and
 * the next day's first instant, which is why a DST day is 23 or 25 hours long.
 */
import { invalid } from '../errors.ts';
import {
  DAY_MS,
  type Day,
  dayFromNumber,
  dayNumberOf,
  dayNumberOfCivil,
  orderedRangeNumbers,
  quote,
} from './days.ts';
import type { Period } from './types.ts';

/** Building a formatter costs far more than using one, and a server serves few zones. */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  const cached = formatters.get(timeZone);
  if (cached) return cached;
  // An empty or missing zone would silently mean the server's zone.
  const problem = `${quote(timeZone)} is not a time zone: use an IANA name such as Asia/Riyadh, Europe/Berlin or UTC.`;
  if (typeof timeZone !== 'string' || timeZone.trim() === '') throw invalid(problem, 'timeZone');
  let formatter: Intl.DateTimeFormat;
  try {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      calendar: 'gregory',
      numberingSystem: 'latn',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      hourCycle: 'h23',
    });
  } catch {
    throw invalid(problem, 'timeZone');
  }
  formatters.set(timeZone, formatter);
  return formatter;
}

/** The wall-clock reading at an instant, as milliseconds on a UTC-like scale. */
function wallClockMs(instantMs: number, timeZone: string): number {
  let [year, month, day, hour, minute, second] = [0, 0, 0, 0, 0, 0];
  let beforeChrist = false;
  for (const part of formatterFor(timeZone).formatToParts(instantMs)) {
    const value = Number(part.value);
    if (part.type === 'year') year = value;
    else if (part.type === 'month') month = value;
    else if (part.type === 'day') day = value;
    else if (part.type === 'hour') hour = value;
    else if (part.type === 'minute') minute = value;
    else if (part.type === 'second') second = value;
    else if (part.type === 'era') beforeChrist = part.value === 'BC';
  }
  // Eras have no year 0: 1 BC is astronomical year 0.
  if (beforeChrist) year = 1 - year;
  const milliseconds = ((instantMs % 1000) + 1000) % 1000;
  return (
    dayNumberOfCivil(year, month, day) * DAY_MS + ((hour * 60 + minute) * 60 + second) * 1000 + milliseconds
  );
}

const offsetMs = (instantMs: number, timeZone: string) => wallClockMs(instantMs, timeZone) - instantMs;

const localDayNumber = (instantMs: number, timeZone: string) =>
  Math.floor(wallClockMs(instantMs, timeZone) / DAY_MS);

export function dayOf(instantMs: number, timeZone: string): Day {
  if (!Number.isFinite(instantMs)) {
    throw invalid(`${quote(instantMs)} is not an instant: use epoch milliseconds.`, 'instant');
  }
  return dayFromNumber(localDayNumber(instantMs, timeZone));
}

/**
 * The first instant of a local day. Midnight can occur twice (a fall-back at
 * midnight): take the first. It can also be skipped (a spring-forward at
 * midnight, as in America/Santiago or formerly America/Sao_Paulo): then the
 * day starts at the transition, which is found by bisection; Pacific/Apia
 * skipped 2011-12-30 entirely, which makes that day zero-length.
 */
function startOfDayNumberMs(dayNumber: number, timeZone: string): number {
  const midnight = dayNumber * DAY_MS;
  const guesses = [
    midnight - offsetMs(midnight - DAY_MS, timeZone),
    midnight - offsetMs(midnight + DAY_MS, timeZone),
  ];
  const exact = guesses.filter((guess) => wallClockMs(guess, timeZone) === midnight);
  if (exact.length > 0) return Math.min(...exact);
  // Invariant: the local day at `before` is earlier than the wanted day, at `after` it is not.
  let before = Math.min(...guesses);
  let after = Math.max(...guesses);
  while (after - before > 1) {
    const middle = Math.floor((before + after) / 2);
    if (localDayNumber(middle, timeZone) < dayNumber) before = middle;
    else after = middle;
  }
  return after;
}

export function startOfDayMs(day: Day, timeZone: string): number {
  return startOfDayNumberMs(dayNumberOf(day), timeZone);
}

/** Half-open, so that adjacent periods share a bound and an instant falls in exactly one. */
export function periodBounds(
  period: Pick<Period, 'start' | 'end'>,
  timeZone: string,
): { startMs: number; endMs: number } {
  const [first, last] = orderedRangeNumbers(period);
  return {
    startMs: startOfDayNumberMs(first, timeZone),
    endMs: startOfDayNumberMs(last + 1, timeZone),
  };
}

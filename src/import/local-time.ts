/**
 * Wall-clock readings in the org's zone to UTC instants, for date-time cells
 * without an offset. The periods module gives the first instant of a local
 * day (`startOfDayMs`); a time of day is added to it, which is exact on every
 * 24-hour day. On the few days a zone changes its offset the reading is
 * solved against the offsets before and after the change: a time that occurs
 * twice (clocks going back) is the earlier instant, a time that never occurs
 * (clocks going forward) moves forward by the gap, as Temporal's
 * 'compatible' disambiguation does.
 *
 * A file holds few distinct days, so day bounds are cached per clock: one
 * import row costs a map lookup and an addition.
 */
import { addDays, startOfDayMs } from '../core/periods/index.ts';
import { dayText, type LocalDateTime } from './dates.ts';

const DAY_MS = 86_400_000;
const MAX_CACHED_DAYS = 100_000;

interface DayBounds {
  start: number;
  length: number;
}

export class LocalClock {
  /** Keyed by year * 512 + month * 32 + day: a number is cheaper to hash than the day's text. */
  private readonly days = new Map<number, DayBounds>();
  private formatter: Intl.DateTimeFormat | undefined;

  constructor(readonly timeZone: string) {
    // Fails early, with the periods module's message, on a zone that does not exist.
    startOfDayMs('2000-01-01', timeZone);
  }

  /** The instant a cell means: its own offset when it has one, else the org's zone. */
  instant(dt: LocalDateTime): number {
    if (dt.offsetMinutes !== null) {
      return (
        civilDayNumber(dt.year, dt.month, dt.day) * DAY_MS + (dt.msOfDay ?? 0) - dt.offsetMinutes * 60_000
      );
    }
    const bounds = this.bounds(dt);
    if (dt.msOfDay === null) return bounds.start;
    if (bounds.length === DAY_MS) return bounds.start + dt.msOfDay;
    return this.solve(civilDayNumber(dt.year, dt.month, dt.day) * DAY_MS + dt.msOfDay, bounds);
  }

  private bounds(dt: Pick<LocalDateTime, 'year' | 'month' | 'day'>): DayBounds {
    const key = dt.year * 512 + dt.month * 32 + dt.day;
    let bounds = this.days.get(key);
    if (!bounds) {
      const day = dayText(dt);
      const start = startOfDayMs(day, this.timeZone);
      bounds = { start, length: startOfDayMs(addDays(day, 1), this.timeZone) - start };
      if (this.days.size >= MAX_CACHED_DAYS) this.days.clear();
      this.days.set(key, bounds);
    }
    return bounds;
  }

  private solve(wallMs: number, bounds: DayBounds): number {
    const before = this.offsetAt(bounds.start);
    const after = this.offsetAt(bounds.start + bounds.length - 1);
    const fits = [wallMs - before, wallMs - after].filter((c) => this.offsetAt(c) === wallMs - c);
    return fits.length > 0 ? Math.min(...fits) : wallMs - before;
  }

  private offsetAt(instantMs: number): number {
    this.formatter ??= new Intl.DateTimeFormat('en-US', {
      timeZone: this.timeZone,
      calendar: 'gregory',
      numberingSystem: 'latn',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      hourCycle: 'h23',
    });
    const f: Record<string, number> = {};
    for (const part of this.formatter.formatToParts(instantMs)) f[part.type] = Number(part.value);
    const wall =
      civilDayNumber(f.year ?? 0, f.month ?? 1, f.day ?? 1) * DAY_MS +
      (((f.hour ?? 0) * 60 + (f.minute ?? 0)) * 60 + (f.second ?? 0)) * 1000;
    const floorSecond = Math.floor(instantMs / 1000) * 1000;
    return wall - floorSecond;
  }
}

/** Days since 1970-01-01 in the proleptic Gregorian calendar (H. Hinnant's days_from_civil). */
export function civilDayNumber(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * ((month + 9) % 12) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

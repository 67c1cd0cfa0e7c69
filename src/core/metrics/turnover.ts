/**
 * Rep headcount and leavers for rep_turnover. Reps and their team history
 * are few (hundreds, not millions), so they are read whole and counted here.
 *
 * The same rule as every stock: a rep is on the books at an instant when
 * hired before it and not gone before it (hired_at < t ≤ left_at, no hire
 * date = always employed), and belongs to the team whose membership covers
 * that instant the same way. A leaver counts for the team they were in when
 * they left.
 */
export interface Membership {
  teamId: number;
  fromAt: number;
  toAt: number | null;
}

export interface Tenure {
  hiredAt: number | null;
  leftAt: number | null;
  memberships: readonly Membership[];
}

export interface TurnoverParts {
  leavers: number;
  headcount_start: number;
  headcount_end: number;
}

export function employedAt(rep: Tenure, instant: number): boolean {
  return (rep.hiredAt === null || rep.hiredAt < instant) && (rep.leftAt === null || rep.leftAt >= instant);
}

/** The team a rep was in at `instant` (the latest membership covering it), or null. */
export function teamAt(rep: Tenure, instant: number): number | null {
  let found: Membership | null = null;
  for (const m of rep.memberships) {
    const covers = m.fromAt < instant && (m.toAt === null || m.toAt >= instant);
    if (covers && (found === null || m.fromAt > found.fromAt)) found = m;
  }
  return found?.teamId ?? null;
}

/**
 * Counts for the period [startMs, endMs): `place` maps the rep's team at
 * each moment to a breakdown key, or to undefined when that team is outside
 * the scope (then the rep is not counted at that moment).
 */
export function turnoverParts<K>(
  reps: readonly Tenure[],
  bounds: { startMs: number; endMs: number },
  place: (teamId: number | null) => K | undefined,
): Map<K, TurnoverParts> {
  const out = new Map<K, TurnoverParts>();
  const add = (key: K | undefined, part: keyof TurnoverParts) => {
    if (key === undefined) return;
    const parts = out.get(key) ?? { leavers: 0, headcount_start: 0, headcount_end: 0 };
    parts[part] += 1;
    out.set(key, parts);
  };
  for (const rep of reps) {
    if (employedAt(rep, bounds.startMs)) add(place(teamAt(rep, bounds.startMs)), 'headcount_start');
    if (employedAt(rep, bounds.endMs)) add(place(teamAt(rep, bounds.endMs)), 'headcount_end');
    if (rep.leftAt !== null && rep.leftAt >= bounds.startMs && rep.leftAt < bounds.endMs) {
      add(place(teamAt(rep, rep.leftAt)), 'leavers');
    }
  }
  return out;
}

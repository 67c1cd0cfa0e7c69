/**
 * The goal-setting flow's pure parts (SPEC §4, docs/goal-setting.md): its
 * five steps and their paths, the API shapes of steps 1, 2, 4 and 5, the
 * sort of the proposals, and bonus tiers as typed in a form. No React, no
 * clock, so it is unit-tested in Node.
 */
import type { Bilingual, BonusTier, CheckinInterval, PeriodRef, Role, ScopeType, Unit } from './api-types.ts';

export const flowSteps = ['growth', 'prioritize', 'write', 'communicate', 'track'] as const;
export type FlowStep = (typeof flowSteps)[number];

/** Where a path stands in the flow; null when it is not one of the flow's own pages. */
export type FlowRoute =
  | { step: 'growth' | 'prioritize' | 'write' }
  | { step: 'communicate' | 'track'; goalId: number };

/** Step 3 is the goal form (`/goals/new?draft=<id>`), another page: the flow links to it. */
export function flowRouteOf(path: string): FlowRoute | null {
  if (path === '/plan') return { step: 'growth' };
  if (path === '/plan/prioritize') return { step: 'prioritize' };
  if (path === '/plan/write') return { step: 'write' };
  const match = /^\/goals\/(\d+)\/(communicate|track)$/.exec(path);
  if (!match) return null;
  const goalId = Number(match[1]);
  if (!Number.isSafeInteger(goalId) || goalId <= 0) return null;
  return { step: match[2] as 'communicate' | 'track', goalId };
}

export function isFlowPath(path: string): boolean {
  return flowRouteOf(path) !== null;
}

export type InsightGrain = 'quarter' | 'fiscal_quarter' | 'month';
export const insightGrains: InsightGrain[] = ['quarter', 'fiscal_quarter', 'month'];

export function growthHref(scope: string, grain: InsightGrain, areas: readonly string[] = []): string {
  return `/plan${search({ scope, grain, areas: areas.join(',') })}`;
}

export function prioritizeHref(scope: string, grain: InsightGrain, areas: readonly string[]): string {
  return `/plan/prioritize${search({ scope, grain, areas: areas.join(',') })}`;
}

export function writeHref(goalIds: readonly number[]): string {
  return `/plan/write${search({ drafts: goalIds.join(',') })}`;
}

/** Step 3: the goal form, loading the draft to edit, preview and split. */
export function draftFormHref(goalId: number): string {
  return `/goals/new${search({ draft: String(goalId) })}`;
}

export function communicateHref(goalId: number): string {
  return `/goals/${goalId}/communicate`;
}

export function trackHref(goalId: number): string {
  return `/goals/${goalId}/track`;
}

function search(params: Record<string, string>): string {
  const out = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value) out.set(key, value);
  const text = out.toString();
  return text ? `?${text}` : '';
}

export function parseGrain(text: string | null): InsightGrain {
  return insightGrains.includes(text as InsightGrain) ? (text as InsightGrain) : 'quarter';
}

/** `a,b,a,,c` → [a, b, c]: the ids in a query parameter, each once, in order. */
export function parseList(text: string | null): string[] {
  const out: string[] = [];
  for (const part of (text ?? '').split(',')) {
    const id = part.trim();
    if (id && !out.includes(id)) out.push(id);
  }
  return out;
}

/** The goal ids of `drafts=12,13`; anything that is not a positive whole number is dropped. */
export function parseGoalIds(text: string | null): number[] {
  return parseList(text)
    .filter((part) => /^\d+$/.test(part))
    .map(Number)
    .filter((id) => Number.isSafeInteger(id) && id > 0);
}

// The answers of the flow's endpoints (src/server/routes/insights.ts and flow.ts).

export interface GrowthArea {
  id: string;
  kind: 'funnel_stage' | 'rep_gap' | 'trend';
  subject: { id: string; label: Bilingual };
  rep?: { id: number; name: string };
  title: Bilingual;
  evidence: {
    unit: Unit;
    current: number;
    reference: number;
    referenceKind: 'median' | 'last_year' | 'history' | 'previous_period';
    change: number | null;
    previous: number | null;
    lastYear: number | null;
    history: number | null;
    median: number | null;
    sample: number | null;
    series: Array<PeriodRef & { value: number | null; reference: number | null }>;
  };
  impact: { annual: number | null; perPeriod: number | null; kind: 'revenue' | 'cost'; method: Bilingual };
  goal: {
    metric: string;
    scope: { type: ScopeType; id: number | null };
    direction: 'increase' | 'decrease';
    target: number;
    kind: 'outcome' | 'activity';
  };
  rank: number;
}

export interface GrowthWindow {
  judged: PeriodRef;
  previous: PeriodRef | null;
  lastYear: PeriodRef | null;
  range: PeriodRef;
}

export interface GrowthReport {
  scope: { type: ScopeType; id: number | null; label: string; text: string };
  grain: InsightGrain;
  currency: string;
  window: GrowthWindow;
  total: number;
  areas: GrowthArea[];
}

export interface Scores {
  total: number;
  impact: number;
  speed: number;
  resources: number;
}

export interface Need {
  kind: 'reps' | 'leads' | 'coaching';
  amount: number | null;
  text: Bilingual;
}

export interface Proposal {
  id: string;
  area: GrowthArea;
  goal: {
    title: Bilingual;
    description: Bilingual;
    reason: Bilingual;
    metric: string;
    scope: { type: ScopeType; id: number | null };
    direction: 'increase' | 'decrease';
    target: number;
    period: { start: string; end: string };
    kind: 'outcome' | 'activity';
  };
  score: Scores;
  needs: Need[];
  canCreate: boolean;
}

export type Weights = Omit<Scores, 'total'>;
export const defaultWeights: Weights = { impact: 50, speed: 25, resources: 25 };

export interface ProposalsReport {
  scope: { type: ScopeType; id: number | null; label: string };
  period: PeriodRef;
  window: GrowthWindow;
  weights: Weights;
  proposals: Proposal[];
}

export interface DraftGoal {
  id: number;
  title: string;
  metric: string;
  scope: { type: ScopeType; id: number | null };
  target: number;
  period: { start: string; end: string };
  status: string;
  reason: string | null;
}

export interface CommunicateResult {
  activated: number[];
  notified: Array<{ goalId: number; userId: number; name: string }>;
  skipped: number[];
  emails: number;
}

export interface OwnerAcknowledgement {
  goalId: number;
  title: string;
  scope: { type: ScopeType; id: number | null };
  status: string;
  owner: { id: number; name: string };
  notifiedAt: number | null;
  acknowledgedAt: number | null;
}

export interface Acknowledgements {
  goalId: number;
  owners: OwnerAcknowledgement[];
  acknowledged: number;
  pending: number;
}

export interface Person {
  id: number;
  name: string;
  role: Role;
}

export interface TrackingSettings {
  goalId: number;
  checkinInterval: CheckinInterval;
  defaultRecipients: Person[];
  extraRecipients: Person[];
}

export type SortKey = keyof Scores;
export const sortKeys: SortKey[] = ['total', 'impact', 'speed', 'resources'];

/** Best first on the chosen score; ties by the total, then in the server's order. */
export function sortProposals<T extends { score: Scores }>(proposals: readonly T[], key: SortKey): T[] {
  return proposals
    .map((proposal, index) => ({ proposal, index }))
    .sort(
      (a, b) =>
        b.proposal.score[key] - a.proposal.score[key] ||
        b.proposal.score.total - a.proposal.score.total ||
        a.index - b.index,
    )
    .map(({ proposal }) => proposal);
}

/** Each weight's share of their sum, as the server scores with them; null when all are 0. */
export function weightShares(weights: Weights): Weights | null {
  const sum = weights.impact + weights.speed + weights.resources;
  if (!(sum > 0)) return null;
  return { impact: weights.impact / sum, speed: weights.speed / sum, resources: weights.resources / sum };
}

/** A bonus tier as typed: the attainment in percent, the payout in major units (riyals). */
export interface TierRow {
  attainment: string;
  payout: string;
}

export type TiersRead =
  | { ok: true; tiers: BonusTier[] }
  | { ok: false; row: number; field: 'attainment' | 'payout'; problem: 'number' | 'duplicate' };

/** Digits after the decimal point in a currency's minor unit: 2 for SAR, 3 for KWD, 0 for JPY. */
export function minorDigitsOf(currency: string): number {
  return (
    new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2
  );
}

/**
 * Rows as typed → tiers as the API takes them (attainment a fraction, payout
 * in minor units), by attainment. Blank rows are skipped; the first bad cell
 * is named by row and field.
 */
export function tiersFromRows(rows: readonly TierRow[], minorDigits: number): TiersRead {
  const tiers: BonusTier[] = [];
  for (const [row, typed] of rows.entries()) {
    if (typed.attainment.trim() === '' && typed.payout.trim() === '') continue;
    const percent = Number(typed.attainment);
    if (typed.attainment.trim() === '' || !Number.isFinite(percent) || percent <= 0) {
      return { ok: false, row, field: 'attainment', problem: 'number' };
    }
    const major = Number(typed.payout);
    if (typed.payout.trim() === '' || !Number.isFinite(major) || major < 0) {
      return { ok: false, row, field: 'payout', problem: 'number' };
    }
    const attainment = Math.round(percent * 100) / 10_000;
    if (tiers.some((tier) => tier.attainment === attainment)) {
      return { ok: false, row, field: 'attainment', problem: 'duplicate' };
    }
    tiers.push({ attainment, payout: Math.round(major * 10 ** minorDigits) });
  }
  return { ok: true, tiers: tiers.sort((a, b) => a.attainment - b.attainment) };
}

/** Tiers → rows to edit: 1.1 → "110", 150000 halalas → "1500". */
export function rowsFromTiers(tiers: readonly BonusTier[], minorDigits: number): TierRow[] {
  return tiers.map((tier) => ({
    attainment: String(Math.round(tier.attainment * 10_000) / 100),
    payout: String(tier.payout / 10 ** minorDigits),
  }));
}

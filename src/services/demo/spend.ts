import type { BulkTable, BulkWriter, TableName } from '../../store/bulk-insert.ts';
import { dayText, monthIndex, monthStart } from './local-time.ts';
import { CHANNELS, type Channel } from './names.ts';
import type { Random } from './random.ts';
import type { Roster } from './roster.ts';
import type { DemoStats } from './stats.ts';

export const SPEND_TABLE: BulkTable = {
  name: 'spend',
  columns: ['id', 'org_id', 'period_start', 'period_end', 'channel', 'category', 'amount', 'currency'],
};

/** What one lead costs per channel, in halalas: ads, events, referral bonuses, partner fees, outbound tools. */
const COST_PER_LEAD: Record<Channel, number> = {
  website: 18_000,
  referral: 15_000,
  linkedin: 42_000,
  events: 65_000,
  outbound: 12_000,
  partner: 30_000,
};
/** Monthly loaded cost in halalas. */
const REP_COST = 2_100_000;
const MANAGER_COST = 3_200_000;
const COMMISSION = 0.04;

export interface SpendContext {
  orgId: number;
  currency: string;
  now: number;
  firstYear: number;
  roster: Roster;
  stats: DemoStats;
  writer: BulkWriter;
  ids: Record<TableName, number>;
}

/**
 * Monthly spend for CAC: marketing per channel following that month's leads,
 * and one sales line (salaries of the people on staff plus commission on the
 * month's won revenue). Outbound prospecting is paid by sales. The current
 * month is month-to-date.
 */
export function generateSpend(ctx: SpendContext, rng: Random): void {
  const { orgId, currency, now, firstYear, roster, stats, writer, ids } = ctx;
  const lastMonth = monthIndex(now, firstYear);
  for (let month = 0; month <= lastMonth; month++) {
    const start = monthStart(firstYear, month);
    const end = monthStart(firstYear, month + 1);
    const current = month === lastMonth;
    const periodStart = dayText(start);
    const periodEnd = dayText(current ? now : end - 1);
    const elapsed = current ? (now - start) / (end - start) : 1;
    const row = (channel: Channel | null, category: 'sales' | 'marketing', amount: number) => {
      writer.add('spend', [
        ids.spend++,
        orgId,
        periodStart,
        periodEnd,
        channel,
        category,
        Math.round(amount / 100) * 100,
        currency,
      ]);
    };
    for (const channel of CHANNELS) {
      const leads = stats.leadsByChannelMonth[channel][month] as number;
      if (leads === 0) continue;
      const category = channel === 'outbound' ? 'sales' : 'marketing';
      row(channel, category, leads * COST_PER_LEAD[channel] * rng.between(0.85, 1.15));
    }
    const middle = (start + Math.min(end, now)) / 2;
    let payroll = 0;
    for (const user of roster.users) {
      if (user.hiredAt > middle || (user.leftAt != null && user.leftAt <= middle)) continue;
      payroll += user.role === 'rep' ? REP_COST : MANAGER_COST;
    }
    row(null, 'sales', payroll * elapsed + (stats.revenueByMonth[month] as number) * COMMISSION);
  }
}

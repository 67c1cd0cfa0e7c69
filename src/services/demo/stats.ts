import { CHANNELS, type Channel } from './names.ts';

/**
 * Actuals tallied while the facts are generated (only events up to `now`), so
 * that goals can be set from last year's results and spend can follow lead
 * volume without reading millions of rows back. Quarters and months count
 * from January of the first year of data; the fiscal year starts in January.
 */
export class DemoStats {
  readonly repRevenue = new Map<number, number[]>();
  readonly teamRevenue = new Map<number, number[]>();
  readonly repCalls = new Map<number, number[]>();
  readonly teamCalls = new Map<number, number[]>();
  readonly repDemosBooked = new Map<number, number[]>();
  readonly teamDemosBooked = new Map<number, number[]>();
  readonly revenueByYear: number[];
  readonly partnerRevenueByYear: number[];
  readonly wonByYear: number[];
  readonly lostByYear: number[];
  readonly newCustomersByYear: number[];
  readonly churnedByYear: number[];
  readonly activeCustomersAtYearStart: number[];
  readonly revenueByMonth: number[];
  readonly leadsByChannelMonth: Record<Channel, number[]>;

  constructor(
    readonly years: number,
    private readonly yearStarts: readonly number[],
  ) {
    const zeros = (n: number) => new Array<number>(n).fill(0);
    this.revenueByYear = zeros(years);
    this.partnerRevenueByYear = zeros(years);
    this.wonByYear = zeros(years);
    this.lostByYear = zeros(years);
    this.newCustomersByYear = zeros(years);
    this.churnedByYear = zeros(years);
    this.activeCustomersAtYearStart = zeros(years);
    this.revenueByMonth = zeros(years * 12);
    this.leadsByChannelMonth = Object.fromEntries(CHANNELS.map((c) => [c, zeros(years * 12)])) as Record<
      Channel,
      number[]
    >;
  }

  get quarters(): number {
    return this.years * 4;
  }

  addWon(repId: number, teamId: number, month: number, amount: number, channel: string) {
    if (month < 0) return;
    const quarter = Math.floor(month / 3);
    const year = Math.floor(month / 12);
    this.bump(this.repRevenue, repId, quarter, amount);
    this.bump(this.teamRevenue, teamId, quarter, amount);
    this.revenueByYear[year] = (this.revenueByYear[year] as number) + amount;
    if (channel === 'partner')
      this.partnerRevenueByYear[year] = (this.partnerRevenueByYear[year] as number) + amount;
    this.wonByYear[year] = (this.wonByYear[year] as number) + 1;
    this.revenueByMonth[month] = (this.revenueByMonth[month] as number) + amount;
  }

  addLost(month: number) {
    if (month < 0) return;
    const year = Math.floor(month / 12);
    this.lostByYear[year] = (this.lostByYear[year] as number) + 1;
  }

  addCall(repId: number, teamId: number, month: number) {
    if (month < 0) return;
    this.bump(this.repCalls, repId, Math.floor(month / 3), 1);
    this.bump(this.teamCalls, teamId, Math.floor(month / 3), 1);
  }

  addDemoBooked(repId: number, teamId: number, month: number) {
    if (month < 0) return;
    this.bump(this.repDemosBooked, repId, Math.floor(month / 3), 1);
    this.bump(this.teamDemosBooked, teamId, Math.floor(month / 3), 1);
  }

  addLead(channel: Channel, month: number) {
    if (month >= 0)
      this.leadsByChannelMonth[channel][month] = (this.leadsByChannelMonth[channel][month] as number) + 1;
  }

  /** A new customer acquired at `acquiredAt`, churned at `churnedAt` (null while still a customer). */
  addCustomer(acquiredMonth: number, acquiredAt: number, churnedAt: number | null, churnedMonth: number) {
    if (acquiredMonth >= 0) {
      const year = Math.floor(acquiredMonth / 12);
      this.newCustomersByYear[year] = (this.newCustomersByYear[year] as number) + 1;
    }
    if (churnedAt != null && churnedMonth >= 0) {
      const year = Math.floor(churnedMonth / 12);
      this.churnedByYear[year] = (this.churnedByYear[year] as number) + 1;
    }
    this.yearStarts.forEach((start, year) => {
      if (acquiredAt < start && (churnedAt == null || churnedAt >= start)) {
        this.activeCustomersAtYearStart[year] = (this.activeCustomersAtYearStart[year] as number) + 1;
      }
    });
  }

  private bump(map: Map<number, number[]>, key: number, quarter: number, amount: number) {
    let series = map.get(key);
    if (!series) {
      series = new Array<number>(this.quarters).fill(0);
      map.set(key, series);
    }
    series[quarter] = (series[quarter] as number) + amount;
  }
}

/** The value of a per-quarter series, 0 where there is none. */
export const quarterValue = (map: Map<number, number[]>, key: number, quarter: number) =>
  map.get(key)?.[quarter] ?? 0;

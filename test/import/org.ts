import { defaultOrgSettings, type Org } from '../../src/core/org.ts';

/** The org the pure import tests read files for: Riyadh, US dollars, a Sunday-to-Thursday week. */
export const org: Org = {
  id: 1,
  name: 'Acme',
  slug: 'acme',
  currency: 'USD',
  timeZone: 'Asia/Riyadh',
  fiscalYearStartMonth: 1,
  weekStart: 0,
  workingDays: [0, 1, 2, 3, 4],
  settings: defaultOrgSettings,
};

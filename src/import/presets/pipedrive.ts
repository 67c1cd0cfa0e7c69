import type { Preset } from './types.ts';

/**
 * Pipedrive "Export data > Deals". Status (open, won, lost) decides; a won
 * deal closes at its Won time and a lost one at its Lost time. Stage names are
 * the pipeline's own (default: Qualified, Contact Made, Demo Scheduled,
 * Proposal Made, Negotiations Started) and never decide the status.
 */
export const pipedrive: Preset = {
  id: 'pipedrive',
  label: 'Pipedrive',
  columns: {
    external_id: ['Deal - ID'],
    name: ['Deal - Title'],
    amount: ['Deal - Value'],
    currency: ['Deal - Currency of value', 'Deal - Currency'],
    owner: ['Deal - Owner'],
    stage: ['Deal - Stage'],
    status: ['Deal - Status'],
    created_at: ['Deal - Deal created', 'Deal - Add time'],
    won_at: ['Deal - Won time'],
    lost_at: ['Deal - Lost time'],
    expected_close_at: ['Deal - Expected close date'],
    account: ['Deal - Organization'],
    probability: ['Deal - Probability'],
    channel: ['Deal - Source channel'],
  },
  stages: {
    qualified: 'open',
    contactmade: 'open',
    demoscheduled: 'open',
    proposalmade: 'open',
    negotiationsstarted: 'open',
  },
  idColumns: [],
  dateFormats: ['ISO'],
  signatures: [['Deal - Title'], ['Deal - Status', 'Deal - Value']],
};

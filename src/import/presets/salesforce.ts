import type { Preset } from './types.ts';

/**
 * Salesforce opportunities, from a report export (labels such as "Opportunity
 * Owner") or from Data Loader (API names such as "StageName"). IsWon and
 * IsClosed, when present, decide the status over the stage name. Close Date
 * is the expected close of an open opportunity, so it feeds `close_date`.
 * OwnerId and AccountId are Salesforce ids: owners and accounts are then
 * matched by external id.
 */
export const salesforce: Preset = {
  id: 'salesforce',
  label: 'Salesforce',
  columns: {
    external_id: ['Opportunity ID', 'Id'],
    owner: ['Opportunity Owner', 'OwnerId'],
    account: ['Account Name', 'AccountId'],
    name: ['Opportunity Name', 'Name'],
    stage: ['Stage', 'StageName'],
    amount: ['Amount'],
    currency: ['Opportunity Currency', 'Amount Currency', 'CurrencyIsoCode'],
    close_date: ['Close Date', 'CloseDate'],
    created_at: ['Created Date', 'CreatedDate'],
    probability: ['Probability (%)', 'Probability'],
    is_closed: ['IsClosed', 'Closed'],
    is_won: ['IsWon', 'Won'],
    channel: ['Lead Source', 'LeadSource'],
  },
  stages: {
    prospecting: 'open',
    qualification: 'open',
    needsanalysis: 'open',
    valueproposition: 'open',
    iddecisionmakers: 'open',
    perceptionanalysis: 'open',
    proposalpricequote: 'open',
    negotiationreview: 'open',
    closedwon: 'won',
    closedlost: 'lost',
  },
  idColumns: ['OwnerId', 'AccountId'],
  dateFormats: ['ISO', 'M/D/YYYY', 'M/D/YYYY h:mm A'],
  signatures: [['Opportunity Name'], ['Opportunity Owner'], ['StageName', 'CloseDate']],
};

import type { Preset } from './types.ts';

/**
 * HubSpot "Export deals" (CRM > Deals > Export). Close Date is the expected
 * close while a deal is open and the actual close once it is won or lost, so
 * it feeds `close_date`. Stages come as labels ("Closed Won") or internal
 * names ("closedwon"), sometimes with the pipeline in parentheses; Pipeline
 * itself has no field and is ignored.
 */
export const hubspot: Preset = {
  id: 'hubspot',
  label: 'HubSpot',
  columns: {
    external_id: ['Record ID', 'Deal ID', 'hs_object_id'],
    name: ['Deal Name', 'dealname'],
    stage: ['Deal Stage', 'dealstage'],
    amount: ['Amount'],
    currency: ['Currency', 'Deal currency code'],
    owner: ['Deal owner', 'hubspot_owner_id'],
    close_date: ['Close Date', 'closedate'],
    created_at: ['Create Date', 'createdate'],
    account: ['Associated Company', 'Associated Company (Primary)', 'Company name'],
    channel: ['Original Source Type', 'Original Traffic Source'],
    product: ['Product'],
  },
  stages: {
    appointmentscheduled: 'open',
    qualifiedtobuy: 'open',
    presentationscheduled: 'open',
    decisionmakerboughtin: 'open',
    contractsent: 'open',
    closedwon: 'won',
    closedlost: 'lost',
  },
  idColumns: ['hubspot_owner_id'],
  dateFormats: ['ISO', 'M/D/YYYY', 'M/D/YYYY H:mm', 'M/D/YYYY h:mm A'],
  signatures: [
    ['Deal Name', 'Deal Stage'],
    ['Record ID', 'Deal Stage'],
    ['dealname', 'dealstage'],
  ],
};

import type { DealStatus } from '../../store/schema.ts';

export type PresetId = 'hubspot' | 'salesforce' | 'pipedrive';

/** A CRM's deal export: its column labels, its default stages and how it writes dates. */
export interface Preset {
  id: PresetId;
  label: string;
  /** Field -> the labels the CRM gives its column (any one of them, matched loosely). */
  columns: Readonly<Record<string, readonly string[]>>;
  /** The CRM's default stage names -> status; stages not listed are open. */
  stages: Readonly<Record<string, DealStatus>>;
  /** Labels whose cells hold the CRM's record ids (owners, accounts), matched by external id. */
  idColumns: readonly string[];
  dateFormats: readonly string[];
  /** Header sets that identify this export: all labels of any one set present. */
  signatures: readonly (readonly string[])[];
}

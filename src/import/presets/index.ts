import { looseKey } from '../text.ts';
import { hubspot } from './hubspot.ts';
import { pipedrive } from './pipedrive.ts';
import { salesforce } from './salesforce.ts';
import type { Preset, PresetId } from './types.ts';

export type { Preset, PresetId } from './types.ts';

export const PRESETS: Readonly<Record<PresetId, Preset>> = { hubspot, salesforce, pipedrive };

export const PRESET_IDS = Object.keys(PRESETS) as PresetId[];

/**
 * The CRM a deal export's header row comes from: the preset one of whose
 * signatures is fully present and that recognizes the most columns.
 */
export function detectPreset(header: readonly string[]): Preset | undefined {
  const present = new Set(header.map(looseKey));
  let best: { preset: Preset; known: number } | undefined;
  for (const preset of Object.values(PRESETS)) {
    const signed = preset.signatures.some((labels) => labels.every((label) => present.has(looseKey(label))));
    if (!signed) continue;
    const labels = new Set(Object.values(preset.columns).flat().map(looseKey));
    const known = [...present].filter((key) => labels.has(key)).length;
    if (!best || known > best.known) best = { preset, known };
  }
  return best?.preset;
}

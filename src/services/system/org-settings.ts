import { assertAllowed, isAdmin } from '../../core/access.ts';
import { HadafError, invalid } from '../../core/errors.ts';
import type { Org, OrgSettings } from '../../core/org.ts';
import { inTransaction } from '../../store/db.ts';
import { orgHasMoney, updateOrg } from '../../store/org-queries.ts';
import { refreshRollups } from '../../store/rollups.ts';
import { audit } from '../audit.ts';
import type { Ctx } from '../context.ts';

export interface OrgSettingsView {
  name: string;
  currency: string;
  timeZone: string;
  fiscalYearStartMonth: number;
  weekStart: number;
  workingDays: number[];
  settings: OrgSettings;
}

export type OrgSettingsInput = Partial<Omit<OrgSettingsView, 'settings'>> & {
  settings?: Partial<OrgSettings>;
};

const view = (org: Org): OrgSettingsView => ({
  name: org.name,
  currency: org.currency,
  timeZone: org.timeZone,
  fiscalYearStartMonth: org.fiscalYearStartMonth,
  weekStart: org.weekStart,
  workingDays: org.workingDays,
  settings: org.settings,
});

/** Everyone in the org reads its calendar and thresholds: pace and status depend on them. */
export async function readOrgSettings({ ctx }: { ctx: Ctx }): Promise<OrgSettingsView> {
  return view(ctx.org);
}

/**
 * Admins change the org's calendar and reporting settings. A new time zone
 * moves every local day, so the metric rollups are rebuilt in the same
 * transaction; the currency can change only while no money is recorded,
 * because amounts are stored in minor units of it.
 */
export async function updateOrgSettings({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: OrgSettingsInput;
}): Promise<OrgSettingsView> {
  assertAllowed(isAdmin(ctx.actor), 'Only an admin can change the org settings.');
  const settings = { ...ctx.org.settings, ...input.settings };
  checkSettings(input, settings);
  return inTransaction(ctx.db, async (tx) => {
    if (
      input.currency !== undefined &&
      input.currency !== ctx.org.currency &&
      (await orgHasMoney(tx, ctx.org.id))
    ) {
      throw new HadafError(
        'conflict',
        `The currency stays ${ctx.org.currency}: deals, subscriptions or spend are already recorded in it.`,
        'currency',
      );
    }
    const after = await updateOrg(tx, ctx.org.id, { ...input, settings });
    if (!after) throw new HadafError('not_found', 'This org no longer exists.');
    if (after.timeZone !== ctx.org.timeZone) await refreshRollups(tx, ctx.org.id);
    await audit(
      { ...ctx, db: tx },
      {
        entity: 'org',
        entityId: ctx.org.id,
        action: 'update_settings',
        before: view(ctx.org),
        after: view(after),
      },
    );
    return view(after);
  });
}

function checkSettings(input: OrgSettingsInput, settings: OrgSettings) {
  if (input.name !== undefined && input.name.trim() === '') throw invalid('The org needs a name.', 'name');
  if (input.currency !== undefined && !Intl.supportedValuesOf('currency').includes(input.currency)) {
    throw invalid(`"${input.currency}" is not an ISO 4217 currency code, e.g. SAR, USD, EUR.`, 'currency');
  }
  if (input.timeZone !== undefined && !Intl.supportedValuesOf('timeZone').includes(input.timeZone)) {
    if (input.timeZone !== 'UTC') {
      throw invalid(`"${input.timeZone}" is not an IANA time zone, e.g. Asia/Riyadh.`, 'timeZone');
    }
  }
  if (input.workingDays !== undefined) {
    const days = input.workingDays;
    if (days.length === 0 || new Set(days).size !== days.length) {
      throw invalid(
        'Working days must list at least one day, each once (0 = Sunday ... 6 = Saturday).',
        'workingDays',
      );
    }
  }
  if (!(settings.offTrackBelow > 0 && settings.offTrackBelow <= settings.atRiskBelow)) {
    throw invalid(
      `"Off track below" (${settings.offTrackBelow}) must be above 0 and at most "at risk below" (${settings.atRiskBelow}).`,
      'settings.offTrackBelow',
    );
  }
}

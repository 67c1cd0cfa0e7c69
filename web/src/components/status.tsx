import { useTranslation } from 'react-i18next';
import type { ProgressStatus, Verdict } from '../api-types.ts';

/** Status by shape and word as well as colour: ✓ achieved, ● on track, ▲ at risk, ✕ off track. */
const statusIcons: Record<ProgressStatus, string> = {
  achieved: '✓',
  on_track: '●',
  at_risk: '▲',
  off_track: '✕',
  no_data: '–',
};

export function StatusBadge({ status }: { status: ProgressStatus }) {
  const { t } = useTranslation();
  return (
    <span className={`status-badge status-${status}`} data-status={status}>
      <span aria-hidden="true">{statusIcons[status]}</span> {t(`status.${status}`)}
    </span>
  );
}

const verdictIcons: Record<Verdict, string> = { pass: '✓', warn: '!', fail: '✕' };

export function VerdictBadge({ verdict }: { verdict: Verdict }) {
  const { t } = useTranslation();
  return (
    <span className={`status-badge verdict-${verdict}`}>
      <span aria-hidden="true">{verdictIcons[verdict]}</span> {t(`smart.verdict.${verdict}`)}
    </span>
  );
}

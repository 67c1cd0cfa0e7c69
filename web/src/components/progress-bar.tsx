import type { ProgressStatus } from '../api-types.ts';

/**
 * Attainment as a bar with a tick where the pace says it should be today.
 * Decorative: the same figures are written out next to it.
 */
export function ProgressBar({
  attainment,
  expectedShare,
  status,
}: {
  attainment: number | null;
  expectedShare: number | null;
  status: ProgressStatus;
}) {
  const clamp = (value: number) => `${Math.max(0, Math.min(1, value)) * 100}%`;
  return (
    <div className={`progress-bar status-${status}`} aria-hidden="true">
      <div className="progress-fill" style={{ inlineSize: clamp(attainment ?? 0) }} />
      {expectedShare !== null ? (
        <div className="pace-marker" style={{ insetInlineStart: clamp(expectedShare) }} />
      ) : null}
    </div>
  );
}

import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { sendJson } from '../api.ts';
import type { GoalStatus } from '../api-types.ts';
import { type Acknowledgements, communicateHref } from '../flow.ts';
import { usePreferences } from '../preferences.tsx';
import { Link } from '../router.tsx';
import { useSignedIn } from '../session.tsx';
import { asApiError, useApi } from '../use-api.ts';
import { ErrorNotice } from './async.tsx';

const live: GoalStatus[] = ['active', 'achieved', 'missed'];

/**
 * Step 4 on the goal page: the owner of a communicated goal acknowledges it
 * here; whoever sets goals sees how many owners have, or is sent to
 * communicate a draft. Nothing shows when there is nothing to do or tell.
 */
export function GoalAcknowledgement({ goalId, status }: { goalId: number; status: GoalStatus }) {
  const { t } = useTranslation();
  const { user } = useSignedIn();
  if (status === 'draft') {
    return user.role === 'rep' ? null : (
      <div className="notice" data-testid="draft-notice">
        <p>{t('flow.ack.draft')}</p>
        <Link className="button" to={communicateHref(goalId)}>
          {t('flow.ack.communicate')}
        </Link>
      </div>
    );
  }
  return live.includes(status) ? <LiveAcknowledgement goalId={goalId} /> : null;
}

function LiveAcknowledgement({ goalId }: { goalId: number }) {
  const { t } = useTranslation();
  const { format } = usePreferences();
  const { user, org } = useSignedIn();
  const { state, reload } = useApi<Acknowledgements>(`/api/goals/${goalId}/acknowledgements`);
  const [sending, setSending] = useState(false);
  const [failure, setFailure] = useState<ReturnType<typeof asApiError> | null>(null);
  // The rest of the goal page stands without this part: a failed read shows nothing.
  if (state.status !== 'ready') return null;
  const acks = state.data;
  const mine = acks.owners.find((o) => o.goalId === goalId && o.owner.id === user.id);

  const acknowledge = async () => {
    setSending(true);
    setFailure(null);
    try {
      await sendJson('POST', `/api/goals/${goalId}/acknowledge`);
      reload();
    } catch (error) {
      setFailure(asApiError(error));
    } finally {
      setSending(false);
    }
  };

  if (mine) {
    return mine.acknowledgedAt === null ? (
      <div className="notice" data-testid="acknowledge">
        <p>{t('flow.ack.ask')}</p>
        <button
          type="button"
          className="button primary"
          disabled={sending}
          onClick={() => void acknowledge()}
        >
          {t('flow.ack.button')}
        </button>
        {failure ? <ErrorNotice error={failure} title={t('flow.ack.failed')} /> : null}
      </div>
    ) : (
      <p className="success" data-testid="acknowledged">
        {t('flow.ack.done', { at: format.instant(mine.acknowledgedAt, org.timeZone) })}
      </p>
    );
  }
  if (acks.owners.length === 0 || user.role === 'rep') return null;
  return (
    <p data-testid="acks-summary">
      {t('flow.acks.summary', {
        acknowledged: format.number(acks.acknowledged),
        owners: format.number(acks.owners.length),
      })}{' '}
      <Link to={communicateHref(goalId)}>{t('flow.ack.who')}</Link>
    </p>
  );
}

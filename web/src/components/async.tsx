import type { TFunction } from 'i18next';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../api.ts';
import type { Loadable } from '../use-api.ts';

/** A spinner with words, announced politely to screen readers. */
export function Loading({ label }: { label?: string }) {
  const { t } = useTranslation();
  return (
    <p className="status" role="status">
      {label ?? t('common.loading')}
    </p>
  );
}

/** What went wrong, in the UI language first, then the server's own words. */
function errorHeadline(error: ApiError, t: TFunction): string {
  if (error.status === 0) return t('errors.unreachable');
  switch (error.status) {
    case 400:
      return t('errors.invalid');
    case 401:
      return t('errors.unauthenticated');
    case 403:
      return t('errors.forbidden');
    case 404:
      return t('errors.notFound');
    case 409:
      return t('errors.conflict');
    case 429:
      return t('errors.rateLimited');
    case 503:
      return t('errors.unavailable');
    default:
      return t('errors.server', { status: error.status });
  }
}

export function ErrorNotice({
  error,
  title,
  onRetry,
}: {
  error: ApiError;
  title?: string;
  onRetry?: () => void;
}) {
  const { t } = useTranslation();
  return (
    <div className="notice notice-error" role="alert">
      {title ? <p className="notice-title">{title}</p> : null}
      <p>{errorHeadline(error, t)}</p>
      {error.status !== 0 ? (
        <p className="detail">
          {t('errors.serverSaid')} <span lang="en">{error.message}</span>
        </p>
      ) : null}
      {onRetry ? (
        <button type="button" className="button" onClick={onRetry}>
          {t('common.retry')}
        </button>
      ) : null}
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="empty">{children}</p>;
}

/** Loading, error (with retry) or the content for the data. */
export function Async<T>({
  state,
  onRetry,
  loading,
  errorTitle,
  children,
}: {
  state: Loadable<T>;
  onRetry?: () => void;
  loading?: string;
  errorTitle?: string;
  children: (data: T) => ReactNode;
}) {
  if (state.status === 'loading') return <Loading {...(loading ? { label: loading } : {})} />;
  if (state.status === 'failed') {
    return (
      <ErrorNotice
        error={state.error}
        {...(errorTitle ? { title: errorTitle } : {})}
        {...(onRetry ? { onRetry } : {})}
      />
    );
  }
  return <>{children(state.data)}</>;
}

import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../api.ts';
import { ErrorNotice } from '../components/async.tsx';
import { Link } from '../router.tsx';
import { useSession } from '../session.tsx';
import { asApiError } from '../use-api.ts';

export function LoginPage({ reason }: { reason: 'none' | 'expired' | 'loggedOut' }) {
  const { t } = useTranslation();
  const { logIn } = useSession();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const emailId = useId();
  const passwordId = useId();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSending(true);
    setError(null);
    try {
      await logIn(email.trim(), password);
    } catch (failure) {
      setError(asApiError(failure));
      setSending(false);
    }
  };

  return (
    <section className="page auth-page" data-page="login">
      <h1 tabIndex={-1}>{t('login.title')}</h1>
      {reason === 'expired' ? <p className="notice">{t('login.expired')}</p> : null}
      {reason === 'loggedOut' ? (
        <p className="notice" role="status">
          {t('login.loggedOut')}
        </p>
      ) : null}
      <form className="form card" onSubmit={submit} noValidate>
        <label htmlFor={emailId}>{t('login.email')}</label>
        <input
          id={emailId}
          type="email"
          autoComplete="username"
          required
          value={email}
          onChange={(event) => setEmail(event.target.value)}
          aria-invalid={error?.status === 401 ? true : undefined}
        />
        <label htmlFor={passwordId}>{t('login.password')}</label>
        <input
          id={passwordId}
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(event) => setPassword(event.target.value)}
          aria-invalid={error?.status === 401 ? true : undefined}
        />
        <button type="submit" className="button primary" disabled={sending || !email.trim() || !password}>
          {sending ? t('login.signingIn') : t('login.submit')}
        </button>
        {error ? (
          error.status === 401 ? (
            <p className="notice notice-error" role="alert">
              {t('login.wrong')}
            </p>
          ) : error.status === 429 ? (
            <p className="notice notice-error" role="alert">
              {t('login.locked')} <span lang="en">{error.message}</span>
            </p>
          ) : (
            <ErrorNotice error={error} />
          )
        ) : null}
      </form>
      <p>
        <Link to="/forgot">{t('login.forgot')}</Link>
      </p>
    </section>
  );
}

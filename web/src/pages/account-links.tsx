import { type FormEvent, type ReactNode, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type ApiError, sendJson } from '../api.ts';
import { ErrorNotice, Loading } from '../components/async.tsx';
import { Link, useSearchParams } from '../router.tsx';
import { useSession } from '../session.tsx';
import { asApiError } from '../use-api.ts';

/** POST /api/auth/invitation: what the link is for. */
interface InvitationPreview {
  email: string;
  name: string | null;
  role: 'admin' | 'manager' | 'rep';
  orgName: string;
  expiresAt: number;
}

/** The pages the e-mailed links open; all of them work signed out. */
export function accountLinkPage(path: string) {
  switch (path) {
    case '/invite':
      return <InvitePage />;
    case '/reset':
      return <ResetPage />;
    case '/forgot':
      return <ForgotPage />;
    default:
      return null;
  }
}

/** The link's refusal in the UI language, then the server's own words. */
function ClosedLink({
  error,
  text,
  askAgain = false,
}: {
  error: ApiError;
  text: string;
  askAgain?: boolean;
}) {
  const { t } = useTranslation();
  return (
    <div className="notice notice-error" role="alert">
      <p>{text}</p>
      <p className="detail">
        {t('errors.serverSaid')} <span lang="en">{error.message}</span>
      </p>
      {askAgain ? (
        <p>
          <Link to="/forgot">{t('account.reset.askAgain')}</Link>
        </p>
      ) : null}
    </div>
  );
}

/** A new password typed twice, so a typo cannot lock the person out. */
function NewPasswordFields({
  password,
  again,
  onPassword,
  onAgain,
  serverRefused,
  mismatch,
}: {
  password: string;
  again: string;
  onPassword: (value: string) => void;
  onAgain: (value: string) => void;
  serverRefused: boolean;
  mismatch: boolean;
}) {
  const { t } = useTranslation();
  const ids = { password: useId(), again: useId(), hint: useId(), mismatch: useId() };
  return (
    <>
      <label htmlFor={ids.password}>{t('account.newPassword')}</label>
      <input
        id={ids.password}
        type="password"
        required
        minLength={10}
        autoComplete="new-password"
        value={password}
        onChange={(event) => onPassword(event.target.value)}
        aria-describedby={ids.hint}
        aria-invalid={serverRefused ? true : undefined}
      />
      <p className="hint" id={ids.hint}>
        {t('firstRun.passwordHint')}
      </p>
      <label htmlFor={ids.again}>{t('account.passwordAgain')}</label>
      <input
        id={ids.again}
        type="password"
        required
        autoComplete="new-password"
        value={again}
        onChange={(event) => onAgain(event.target.value)}
        aria-describedby={mismatch ? ids.mismatch : undefined}
        aria-invalid={mismatch ? true : undefined}
      />
      {mismatch ? (
        <p className="notice notice-error" id={ids.mismatch} role="alert">
          {t('account.mismatch')}
        </p>
      ) : null}
    </>
  );
}

function InvitePage() {
  const { t } = useTranslation();
  const token = useSearchParams().get('token') ?? '';
  const [preview, setPreview] = useState<
    | { status: 'loading' }
    | { status: 'ready'; data: InvitationPreview }
    | { status: 'failed'; error: ApiError }
  >({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);

  // biome-ignore lint/correctness/useExhaustiveDependencies: attempt is the retry trigger.
  useEffect(() => {
    if (!token) return;
    let current = true;
    setPreview({ status: 'loading' });
    sendJson<InvitationPreview>('POST', '/api/auth/invitation', { token }).then(
      (data) => current && setPreview({ status: 'ready', data }),
      (error: unknown) => current && setPreview({ status: 'failed', error: asApiError(error) }),
    );
    return () => {
      current = false;
    };
  }, [token, attempt]);

  let body: ReactNode;
  if (!token) body = <p className="notice notice-error">{t('account.noToken')}</p>;
  else if (preview.status === 'loading') body = <Loading label={t('account.invite.checking')} />;
  else if (preview.status === 'failed') {
    body =
      preview.error.status === 404 ? (
        <ClosedLink error={preview.error} text={t('account.invite.closed')} />
      ) : (
        <ErrorNotice error={preview.error} onRetry={() => setAttempt((n) => n + 1)} />
      );
  } else body = <AcceptForm token={token} invitation={preview.data} />;

  return (
    <section className="page auth-page" data-page="invite">
      <h1 tabIndex={-1}>{t('account.invite.title')}</h1>
      {body}
    </section>
  );
}

function AcceptForm({ token, invitation }: { token: string; invitation: InvitationPreview }) {
  const { t } = useTranslation();
  const { acceptInvitation } = useSession();
  const [name, setName] = useState(invitation.name ?? '');
  const [password, setPassword] = useState('');
  const [again, setAgain] = useState('');
  const [checked, setChecked] = useState(false);
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const nameId = useId();
  const mismatch = checked && password !== again;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setChecked(true);
    if (password !== again) return;
    setSending(true);
    setError(null);
    try {
      await acceptInvitation({ token, name: name.trim(), password });
    } catch (failure) {
      setError(asApiError(failure));
      setSending(false);
    }
  };

  return (
    <>
      <p className="lead">{t('account.invite.lead', { org: invitation.orgName })}</p>
      <dl className="facts" data-testid="invitation">
        <div>
          <dt>{t('account.invite.org')}</dt>
          <dd>{invitation.orgName}</dd>
        </div>
        <div>
          <dt>{t('login.email')}</dt>
          <dd dir="ltr">{invitation.email}</dd>
        </div>
        <div>
          <dt>{t('account.invite.role')}</dt>
          <dd>{t(`account.roles.${invitation.role}`)}</dd>
        </div>
      </dl>
      <form className="form card" onSubmit={submit} noValidate>
        <label htmlFor={nameId}>{t('firstRun.name')}</label>
        <input
          id={nameId}
          required
          maxLength={200}
          autoComplete="name"
          value={name}
          onChange={(event) => setName(event.target.value)}
          aria-invalid={error?.field === 'name' ? true : undefined}
        />
        <NewPasswordFields
          password={password}
          again={again}
          onPassword={setPassword}
          onAgain={setAgain}
          serverRefused={error?.field === 'password'}
          mismatch={mismatch}
        />
        <button
          type="submit"
          className="button primary"
          disabled={sending || !name.trim() || !password || !again}
        >
          {sending ? t('account.invite.joining') : t('account.invite.submit')}
        </button>
        {error ? (
          error.status === 404 ? (
            <ClosedLink error={error} text={t('account.invite.closed')} />
          ) : (
            <ErrorNotice error={error} title={t('account.invite.failed')} />
          )
        ) : null}
      </form>
    </>
  );
}

function ResetPage() {
  const { t } = useTranslation();
  const token = useSearchParams().get('token') ?? '';
  const [password, setPassword] = useState('');
  const [again, setAgain] = useState('');
  const [checked, setChecked] = useState(false);
  const [sending, setSending] = useState(false);
  const [done, setDone] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const mismatch = checked && password !== again;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setChecked(true);
    if (password !== again) return;
    setSending(true);
    setError(null);
    try {
      await sendJson<null>('POST', '/api/auth/password-reset/confirm', { token, password });
      setDone(true);
    } catch (failure) {
      setError(asApiError(failure));
    } finally {
      setSending(false);
    }
  };

  let body: ReactNode;
  if (!token) body = <p className="notice notice-error">{t('account.noToken')}</p>;
  else if (done) {
    body = (
      <div className="notice" role="status">
        <p>{t('account.reset.done')}</p>
        <p>
          <Link to="/">{t('account.signIn')}</Link>
        </p>
      </div>
    );
  } else {
    body = (
      <form className="form card" onSubmit={submit} noValidate>
        <NewPasswordFields
          password={password}
          again={again}
          onPassword={setPassword}
          onAgain={setAgain}
          serverRefused={error?.field === 'password'}
          mismatch={mismatch}
        />
        <button type="submit" className="button primary" disabled={sending || !password || !again}>
          {sending ? t('account.reset.saving') : t('account.reset.submit')}
        </button>
        {error ? (
          error.field === 'token' ? (
            <ClosedLink error={error} text={t('account.reset.closed')} askAgain />
          ) : (
            <ErrorNotice error={error} title={t('account.reset.failed')} />
          )
        ) : null}
      </form>
    );
  }

  return (
    <section className="page auth-page" data-page="reset">
      <h1 tabIndex={-1}>{t('account.reset.title')}</h1>
      {body}
    </section>
  );
}

function ForgotPage() {
  const { t } = useTranslation();
  const [email, setEmail] = useState('');
  const [sending, setSending] = useState(false);
  const [sent, setSent] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const emailId = useId();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSending(true);
    setError(null);
    try {
      // The answer is the same whether or not the address has an account, and so is the page.
      await sendJson<{ message: string }>('POST', '/api/auth/password-reset', { email: email.trim() });
      setSent(true);
    } catch (failure) {
      setError(asApiError(failure));
    } finally {
      setSending(false);
    }
  };

  return (
    <section className="page auth-page" data-page="forgot">
      <h1 tabIndex={-1}>{t('account.forgot.title')}</h1>
      {sent ? (
        <p className="notice" role="status">
          {t('account.forgot.sent')}
        </p>
      ) : (
        <>
          <p className="lead">{t('account.forgot.lead')}</p>
          <form className="form card" onSubmit={submit} noValidate>
            <label htmlFor={emailId}>{t('login.email')}</label>
            <input
              id={emailId}
              type="email"
              autoComplete="username"
              required
              maxLength={254}
              value={email}
              onChange={(event) => setEmail(event.target.value)}
            />
            <button type="submit" className="button primary" disabled={sending || !email.trim()}>
              {sending ? t('account.forgot.sending') : t('account.forgot.submit')}
            </button>
            {error ? <ErrorNotice error={error} /> : null}
          </form>
        </>
      )}
      <p>
        <Link to="/">{t('account.backToSignIn')}</Link>
      </p>
    </section>
  );
}

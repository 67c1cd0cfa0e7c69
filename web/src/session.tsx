import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { type ApiError, getJson, onSignedOut, sendJson, setCsrfToken } from './api.ts';
import type { OrgInfo, SessionInfo, SignedIn, User } from './api-types.ts';
import { navigate } from './router.tsx';
import { asApiError } from './use-api.ts';

export type SessionState =
  | { status: 'checking' }
  /** Nobody can sign in yet: the first-run screen creates the org and its first admin. */
  | { status: 'needsSetup' }
  | { status: 'signedOut'; reason: 'none' | 'expired' | 'loggedOut' }
  | { status: 'signedIn'; user: User; org: OrgInfo }
  | { status: 'failed'; error: ApiError };

export interface SignUpInput {
  orgName: string;
  orgSlug: string;
  currency: string;
  timeZone: string;
  name: string;
  email: string;
  password: string;
}

interface SessionApi {
  state: SessionState;
  logIn(email: string, password: string): Promise<void>;
  signUp(input: SignUpInput): Promise<void>;
  /** Accepts an invitation link: the new account is signed in at once, on the dashboard. */
  acceptInvitation(input: { token: string; name: string; password: string }): Promise<void>;
  logOut(): Promise<void>;
  retry(): void;
  /** Reads /api/org again, e.g. after an admin changed the org's settings. */
  refreshOrg(): Promise<void>;
}

const SessionContext = createContext<SessionApi | null>(null);

async function enter(signedIn: { user: User; csrfToken: string | null }): Promise<SessionState> {
  setCsrfToken(signedIn.csrfToken);
  // The session names the org; its calendar and currency come from /api/org.
  const org = await getJson<OrgInfo>('/api/org');
  return { status: 'signedIn', user: signedIn.user, org };
}

/** Who is signed in, from the session cookie; sign-in, first-run sign-up, invitations and sign-out. */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ status: 'checking' });
  const [attempt, setAttempt] = useState(0);

  // biome-ignore lint/correctness/useExhaustiveDependencies: attempt is the retry trigger.
  useEffect(() => {
    let current = true;
    setState({ status: 'checking' });
    (async (): Promise<SessionState> => {
      try {
        return await enter(await getJson<SessionInfo>('/api/auth/session'));
      } catch (error) {
        const failure = asApiError(error);
        if (failure.status !== 401) throw failure;
        const setup = await getJson<{ needsSetup: boolean }>('/api/auth/setup');
        return setup.needsSetup ? { status: 'needsSetup' } : { status: 'signedOut', reason: 'none' };
      }
    })().then(
      (next) => current && setState(next),
      (error: unknown) => current && setState({ status: 'failed', error: asApiError(error) }),
    );
    return () => {
      current = false;
    };
  }, [attempt]);

  useEffect(
    () =>
      onSignedOut(() => {
        setCsrfToken(null);
        setState((previous) =>
          previous.status === 'signedIn' ? { status: 'signedOut', reason: 'expired' } : previous,
        );
      }),
    [],
  );

  const logIn = useCallback(async (email: string, password: string) => {
    const signedIn = await sendJson<SignedIn>('POST', '/api/auth/login', { email, password });
    setState(await enter(signedIn));
  }, []);

  const signUp = useCallback(async (input: SignUpInput) => {
    const signedIn = await sendJson<SignedIn>('POST', '/api/auth/signup', input);
    setState(await enter(signedIn));
  }, []);

  const acceptInvitation = useCallback(async (input: { token: string; name: string; password: string }) => {
    const signedIn = await sendJson<SignedIn>('POST', '/api/auth/invitation/accept', input);
    const next = await enter(signedIn);
    // Leave the spent link in the same update, so it is never rendered again signed in.
    navigate('/', { replace: true });
    setState(next);
  }, []);

  const logOut = useCallback(async () => {
    await sendJson<null>('POST', '/api/auth/logout');
    setCsrfToken(null);
    setState({ status: 'signedOut', reason: 'loggedOut' });
  }, []);

  const retry = useCallback(() => setAttempt((n) => n + 1), []);

  const refreshOrg = useCallback(async () => {
    const org = await getJson<OrgInfo>('/api/org');
    setState((previous) => (previous.status === 'signedIn' ? { ...previous, org } : previous));
  }, []);

  const value = useMemo(
    () => ({ state, logIn, signUp, acceptInvitation, logOut, retry, refreshOrg }),
    [state, logIn, signUp, acceptInvitation, logOut, retry, refreshOrg],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionApi {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession needs a <SessionProvider> above it.');
  return session;
}

/** The signed-in user and org; only for screens shown after sign-in. */
export function useSignedIn(): { user: User; org: OrgInfo; refreshOrg: () => Promise<void> } {
  const { state, refreshOrg } = useSession();
  if (state.status !== 'signedIn') throw new Error('useSignedIn is for screens behind sign-in.');
  return { user: state.user, org: state.org, refreshOrg };
}

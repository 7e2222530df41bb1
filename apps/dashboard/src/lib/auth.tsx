'use client';

import { type Permission, roleHas } from '@castline/contracts/permissions';
import { useQueryClient } from '@tanstack/react-query';
import { usePathname, useRouter } from 'next/navigation';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useRef, useState } from 'react';
import * as client from './api';

type AuthState = { status: 'loading' } | { status: 'anonymous' } | { status: 'authenticated'; user: client.SessionUser };

interface AuthContextValue {
  state: AuthState;
  signIn(email: string, password: string, remember: boolean): Promise<void>;
  signOut(options?: { everywhere?: boolean }): Promise<void>;
}

const AuthContext = createContext<AuthContextValue | null>(null);
/** Tabs of one browser share the session: signing out in one signs out all. */
const CHANNEL_NAME = 'castline-auth';
/** Renew this long before the access token expires. */
const REFRESH_MARGIN_MS = 60_000;

export function AuthProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<AuthState>({ status: 'loading' });
  const queryClient = useQueryClient();
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const broadcast = useRef<BroadcastChannel | null>(null);
  /** Bumped by the timer when the access token is about to expire; the effect below renews it. */
  const [renewals, setRenewals] = useState(0);

  const adopt = useCallback((session: client.Session | null) => {
    clearTimeout(timer.current);
    if (!session) {
      setState({ status: 'anonymous' });
      return;
    }
    setState({ status: 'authenticated', user: session.user });
    const delay = Math.max(5_000, session.expiresIn * 1000 - REFRESH_MARGIN_MS);
    timer.current = setTimeout(() => setRenewals((count) => count + 1), delay);
  }, []);

  useEffect(() => {
    if (renewals > 0) client.refreshSession().then(adopt, () => undefined);
  }, [renewals, adopt]);

  const endLocally = useCallback(() => {
    client.forgetSession();
    clearTimeout(timer.current);
    queryClient.clear();
    setState({ status: 'anonymous' });
  }, [queryClient]);

  useEffect(() => {
    client.refreshSession().then(adopt, () => adopt(null));
    const unsubscribe = client.onSessionLost(endLocally);
    const channel = typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel(CHANNEL_NAME);
    broadcast.current = channel;
    if (channel) {
      channel.onmessage = (message: MessageEvent<string>) => {
        if (message.data === 'signed-out') endLocally();
        if (message.data === 'signed-in') client.refreshSession().then(adopt, () => undefined);
      };
    }
    return () => {
      unsubscribe();
      channel?.close();
      clearTimeout(timer.current);
    };
  }, [adopt, endLocally]);

  const value = useMemo<AuthContextValue>(
    () => ({
      state,
      async signIn(email, password, remember) {
        adopt(await client.login(email, password, remember));
        broadcast.current?.postMessage('signed-in');
      },
      async signOut({ everywhere = false } = {}) {
        await client.logout(everywhere);
        endLocally();
        broadcast.current?.postMessage('signed-out');
      },
    }),
    [state, adopt, endLocally],
  );

  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthContextValue {
  const value = useContext(AuthContext);
  if (!value) throw new Error('useAuth outside AuthProvider');
  return value;
}

/** The signed-in user; only inside the protected app layout. */
export function useUser(): client.SessionUser {
  const { state } = useAuth();
  if (state.status !== 'authenticated') throw new Error('useUser outside a signed-in page');
  return state.user;
}

/** Whether the signed-in user's role grants a permission: the same matrix the gateway enforces. */
export function useCan(permission: Permission): boolean {
  const { state } = useAuth();
  return state.status === 'authenticated' && roleHas(state.user.role, permission);
}

/** Sends anonymous visitors to /login, remembering the page they asked for. */
export function useRequireSession(): AuthState {
  const { state } = useAuth();
  const router = useRouter();
  const pathname = usePathname();
  useEffect(() => {
    if (state.status !== 'anonymous') return;
    const next = `${pathname}${window.location.search}`;
    router.replace(next === '/' ? '/login' : `/login?next=${encodeURIComponent(next)}`);
  }, [state.status, pathname, router]);
  return state;
}

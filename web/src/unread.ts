import { useEffect, useSyncExternalStore } from 'react';
import { getJson } from './api.ts';
import type { Notifications } from './api-types.ts';

/** The unread-notification count in the header, refreshed on each page change and after marking read. */
let unread: number | null = null;
const listeners = new Set<() => void>();

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

export function refreshUnread() {
  getJson<Notifications>('/api/notifications?unread=true&limit=1').then(
    (answer) => {
      unread = answer.unread;
      for (const listener of listeners) listener();
    },
    // The count is a hint: if it cannot be read, the header simply shows none.
    () => {},
  );
}

export function useUnread(trigger: string): number | null {
  // biome-ignore lint/correctness/useExhaustiveDependencies: trigger (the path) is why the count is refreshed.
  useEffect(() => refreshUnread(), [trigger]);
  return useSyncExternalStore(subscribe, () => unread);
}

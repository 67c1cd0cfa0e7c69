import { type AnchorHTMLAttributes, type MouseEvent, useSyncExternalStore } from 'react';

/**
 * A router in a few lines on the History API: real paths (/goals/12) and
 * query strings (?scope=team:4), so every view can be bookmarked and the
 * server answers any non-API path with the app.
 */
const listeners = new Set<() => void>();

function subscribe(listener: () => void) {
  listeners.add(listener);
  window.addEventListener('popstate', listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('popstate', listener);
  };
}

/** The current path without a trailing slash ("/" stays "/"). */
function currentPath() {
  return window.location.pathname.replace(/(.)\/+$/, '$1');
}

function currentSearch() {
  return window.location.search;
}

export function usePath(): string {
  return useSyncExternalStore(subscribe, currentPath);
}

/** The query string's parameters; a new object only when the query string changes. */
let lastSearch = '';
let lastParams = new URLSearchParams();
function paramsOf(search: string): URLSearchParams {
  if (search !== lastSearch) {
    lastSearch = search;
    lastParams = new URLSearchParams(search);
  }
  return lastParams;
}

export function useSearchParams(): URLSearchParams {
  return paramsOf(useSyncExternalStore(subscribe, currentSearch));
}

/** Goes to a path with an optional query string; `replace` keeps the history entry (for filter changes). */
export function navigate(to: string, { replace = false } = {}) {
  if (to === window.location.pathname + window.location.search) return;
  if (replace) window.history.replaceState(null, '', to);
  else {
    window.history.pushState(null, '', to);
    window.scrollTo(0, 0);
  }
  for (const listener of listeners) listener();
}

/** `/goals/:id` against `/goals/12` → `{ id: '12' }`; null when the path does not match. */
export function matchPath(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split('/');
  const have = path.split('/');
  if (want.length !== have.length) return null;
  const params: Record<string, string> = {};
  for (const [index, part] of want.entries()) {
    const actual = have[index] ?? '';
    if (part.startsWith(':')) {
      if (actual === '') return null;
      params[part.slice(1)] = decodeURIComponent(actual);
    } else if (part !== actual) return null;
  }
  return params;
}

type LinkProps = AnchorHTMLAttributes<HTMLAnchorElement> & { to: string };

export function Link({ to, onClick, ...rest }: LinkProps) {
  const handleClick = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    // Let the browser handle new tabs, downloads and modified clicks.
    const plain = event.button === 0 && !event.metaKey && !event.ctrlKey && !event.shiftKey && !event.altKey;
    if (event.defaultPrevented || !plain) return;
    event.preventDefault();
    navigate(to);
  };
  return <a href={to} onClick={handleClick} {...rest} />;
}

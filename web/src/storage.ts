/**
 * The user's interface choices, kept in localStorage. Storage can be
 * unavailable (private mode, blocked cookies): the app then still works and
 * simply forgets the choice on reload.
 */
const prefix = 'hadaf.';

export function readSetting(name: string): string | null {
  try {
    return localStorage.getItem(prefix + name);
  } catch {
    return null;
  }
}

export function writeSetting(name: string, value: string): void {
  try {
    localStorage.setItem(prefix + name, value);
  } catch {
    // Not fatal: the choice applies to this page view only.
  }
}

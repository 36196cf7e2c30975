/**
 * Token sign-in of the local runtime: `#token=<t>` in the URL fragment (what `kairos local` prints a link
 * with; a fragment never reaches a server log), else a pasted token. Kept in sessionStorage only, so closing
 * the tab signs out.
 */

/** The parts of Web Storage the dashboard uses, so tests pass a Map-backed one. */
export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

const TOKEN_KEY = 'kairos.token';

/** The token in a `#token=<t>` fragment (also `#token=<t>&…`), if any. */
export function tokenFromFragment(hash: string): string | undefined {
  const match = /^#?token=([^&]+)/.exec(hash);
  if (!match) return undefined;
  try {
    const token = decodeURIComponent(match[1]).trim();
    return token || undefined;
  } catch {
    return undefined;
  }
}

export function createTokenStore(storage: KeyValueStore) {
  return {
    get(): string | undefined {
      return storage.getItem(TOKEN_KEY) ?? undefined;
    },
    set(token: string): void {
      storage.setItem(TOKEN_KEY, token.trim());
    },
    clear(): void {
      storage.removeItem(TOKEN_KEY);
    },
  };
}

export type TokenStore = ReturnType<typeof createTokenStore>;

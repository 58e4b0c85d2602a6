import { useSyncExternalStore } from 'react';

const STORAGE_KEY = 'dtq.api-key';
const listeners = new Set<() => void>();

/**
 * The API key the user entered, kept for this browser tab only (sessionStorage), so a deployment
 * with API keys needs no key baked into the bundle.
 */
export function getApiKey(): string | null {
  try {
    return sessionStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

export function setApiKey(key: string | null): void {
  try {
    if (key) sessionStorage.setItem(STORAGE_KEY, key);
    else sessionStorage.removeItem(STORAGE_KEY);
  } catch {
    // storage unavailable (private mode): the key lasts until reload via the listeners' state
  }
  for (const listener of listeners) listener();
}

export function useApiKey(): string | null {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    getApiKey,
    () => null,
  );
}

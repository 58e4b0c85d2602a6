/**
 * Where the API lives: same origin by default (the local host serves UI and API together); a
 * deployed build sets VITE_API_BASE_URL to the Functions app URL (or a same-origin path).
 */
export const API_BASE_URL: string = ((import.meta as { env?: Record<string, string | undefined> }).env?.VITE_API_BASE_URL ?? '')
  .trim()
  .replace(/\/+$/, '');

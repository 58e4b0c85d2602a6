/** Where the API lives: same origin locally, the Functions app URL in a deployed build. */
export const API_BASE_URL: string = (import.meta as { env?: Record<string, string> }).env?.VITE_API_BASE_URL ?? '';

import { useSyncExternalStore } from 'react';
import { UI_DEAD_LETTERS_ROUTE, UI_FLEET_ROUTE, UI_JOB_ROUTE, UI_SCHEDULES_ROUTE } from '../../contracts/ui-routes.js';

/** The views, as the address bar spells them: `/`, `/jobs/{job_id}` and `/schedules`. */
export type Route = { view: 'home' } | { view: 'job'; jobId: string } | { view: 'schedules' } | { view: 'fleet' } | { view: 'dead-letters' };

const NAVIGATE_EVENT = 'dtq:navigate';

export function parseRoute(pathname: string): Route {
  if (UI_SCHEDULES_ROUTE.test(pathname)) return { view: 'schedules' };
  if (UI_FLEET_ROUTE.test(pathname)) return { view: 'fleet' };
  if (UI_DEAD_LETTERS_ROUTE.test(pathname)) return { view: 'dead-letters' };
  const match = UI_JOB_ROUTE.exec(pathname);
  return match?.[1] ? { view: 'job', jobId: decodeURIComponent(match[1]) } : { view: 'home' };
}

export const jobPath = (jobId: string): string => `/jobs/${encodeURIComponent(jobId)}`;

/** Moves to another view with the history API; the host's SPA fallback serves any of them on reload. */
export function navigate(path: string): void {
  if (path === window.location.pathname) return;
  window.history.pushState(null, '', path);
  window.dispatchEvent(new Event(NAVIGATE_EVENT));
  window.scrollTo(0, 0);
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener('popstate', onChange);
  window.addEventListener(NAVIGATE_EVENT, onChange);
  return () => {
    window.removeEventListener('popstate', onChange);
    window.removeEventListener(NAVIGATE_EVENT, onChange);
  };
}

export function usePathname(): string {
  return useSyncExternalStore(subscribe, () => window.location.pathname);
}

/**
 * The addresses the web UI draws itself (client-side routes): `/`, `/jobs/{job_id}`, `/schedules`, `/fleet` and `/dead-letters`. A host
 * answers these with index.html so a reload or a shared link works, and only these: any other
 * unknown path, `/v1/…` above all, gets the API's JSON 404.
 */
const UI_ROUTES: readonly RegExp[] = [/^\/$/, /^\/jobs\/[^/]+\/?$/, /^\/schedules\/?$/, /^\/fleet\/?$/, /^\/dead-letters\/?$/];

export const UI_JOB_ROUTE = /^\/jobs\/([^/]+)\/?$/;
export const UI_SCHEDULES_ROUTE = /^\/schedules\/?$/;
export const UI_FLEET_ROUTE = /^\/fleet\/?$/;
export const UI_DEAD_LETTERS_ROUTE = /^\/dead-letters\/?$/;

export function isUiRoute(pathname: string): boolean {
  return UI_ROUTES.some((route) => route.test(pathname));
}

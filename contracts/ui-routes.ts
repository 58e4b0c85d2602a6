/**
 * The addresses the web UI draws itself (client-side routes): `/` and `/jobs/{job_id}`. A host
 * answers these with index.html so a reload or a shared link works, and only these: any other
 * unknown path, `/v1/…` above all, gets the API's JSON 404.
 */
const UI_ROUTES: readonly RegExp[] = [/^\/$/, /^\/jobs\/[^/]+\/?$/];

export const UI_JOB_ROUTE = /^\/jobs\/([^/]+)\/?$/;

export function isUiRoute(pathname: string): boolean {
  return UI_ROUTES.some((route) => route.test(pathname));
}

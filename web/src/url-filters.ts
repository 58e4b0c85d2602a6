import { useCallback, useEffect, useState } from 'react';
import { JobStateSchema } from '../../contracts/common.js';
import { JobTypeSchema } from '../../contracts/job-types.js';
import { decodeCursor } from '../../contracts/page-cursor.js';
import type { JobListFilters } from './api/api-client.js';

/**
 * The jobs list as the address bar names it: filters, and past the first page the page's number
 * and the API's cursor for it (`/?state=failed&job_type=weather&page=2&cursor=…`). A cursor names
 * a position in the list, so a reload or a shared link shows the same jobs even after newer ones
 * arrive. Unknown values are ignored: a bad filter means all, a bad cursor the first page.
 */
export interface ListView {
  filters: JobListFilters;
  page: number;
  cursor?: string;
}

/** The list's filters beyond state and type, as GET /v1/jobs names them and the address carries them. */
const SEARCH_FILTERS = ['submitted_after', 'submitted_before', 'q', 'label'] as const;

export function readListView(search: string): ListView {
  const query = new URLSearchParams(search);
  const state = JobStateSchema.safeParse(query.get('state'));
  const type = JobTypeSchema.safeParse(query.get('job_type'));
  const filters: JobListFilters = { ...(state.success ? { state: state.data } : {}), ...(type.success ? { job_type: type.data } : {}) };
  for (const name of SEARCH_FILTERS) {
    const value = query.get(name)?.trim();
    if (value && (!name.startsWith('submitted_') || !Number.isNaN(Date.parse(value)))) filters[name] = value;
  }
  const cursor = query.get('cursor') ?? undefined;
  const page = Number(query.get('page'));
  if (!cursor || decodeCursor(cursor) === undefined) return { filters, page: 1 };
  return { filters, page: Number.isInteger(page) && page > 1 ? page : 2, cursor };
}

export function listViewSearch(view: ListView): string {
  const query = new URLSearchParams();
  if (view.filters.state) query.set('state', view.filters.state);
  if (view.filters.job_type) query.set('job_type', view.filters.job_type);
  for (const name of SEARCH_FILTERS) {
    const value = view.filters[name];
    if (value) query.set(name, value);
  }
  if (view.cursor) {
    query.set('page', String(view.page));
    query.set('cursor', view.cursor);
  }
  return query.size > 0 ? `?${query}` : '';
}

const LIST_VIEW_EVENT = 'dtq:list-view';

/**
 * The list view, kept in the address. A filter change replaces the history entry (and goes back
 * to the first page); a move to another page adds one, so Back returns to the page before.
 */
export function useListView(): [ListView, (next: ListView, how: 'replace' | 'push') => void] {
  const [view, setView] = useState<ListView>(() => readListView(window.location.search));
  useEffect(() => {
    const onPop = () => setView(readListView(window.location.search));
    window.addEventListener('popstate', onPop);
    window.addEventListener(LIST_VIEW_EVENT, onPop);
    return () => {
      window.removeEventListener('popstate', onPop);
      window.removeEventListener(LIST_VIEW_EVENT, onPop);
    };
  }, []);
  const change = useCallback((next: ListView, how: 'replace' | 'push') => {
    const search = listViewSearch(next);
    if (search !== window.location.search) {
      const url = `${window.location.pathname}${search}`;
      if (how === 'push') window.history.pushState(null, '', url);
      else window.history.replaceState(null, '', url);
    }
    setView(next);
    // Other parts of the page that show the list's filters (the clickable counts) follow.
    window.dispatchEvent(new Event(LIST_VIEW_EVENT));
  }, []);
  return [view, change];
}

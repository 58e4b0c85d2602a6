import { useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import type { JobStatusResponse, ListJobsResponse } from '../../../contracts/http-api.js';
import { MILESTONES } from '../../../contracts/job-status.js';
import { isFinalState } from '../../../contracts/job-events.js';
import type { JobEvent } from '../../../client/index.js';
import { dtqClient } from './api-client.js';
import { useApiKey } from './api-key.js';
import { fleetKeys } from './fleet-queries.js';
import { jobKeys } from './job-queries.js';
import { overviewKeys } from './overview-queries.js';

/**
 * `live`: the app follows GET /v1/events. `connecting`: opening it (or reopening, which the
 * client does by itself with Last-Event-ID). `fallback`: it could not be opened (an API without
 * the route, too many streams, no network): the views are refreshed every FALLBACK_REFRESH_MS
 * and the stream is tried again every REOPEN_AFTER_MS.
 */
export type LiveState = 'connecting' | 'live' | 'fallback';

/** How often views are read again while there is no event stream. */
export const FALLBACK_REFRESH_MS = 15_000;
/** How long after the stream failed it is opened again. */
const REOPEN_AFTER_MS = 60_000;
/** At most one list, count or dead-letter read per this, however many events arrive. */
const REFRESH_THROTTLE_MS = 1_000;

/** Runs `run` once, REFRESH_THROTTLE_MS after the first call of a burst: many events, one read. */
function throttled(run: () => void): { call(): void; cancel(): void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return {
    call() {
      timer ??= setTimeout(() => {
        timer = undefined;
        run();
      }, REFRESH_THROTTLE_MS);
    },
    cancel() {
      clearTimeout(timer);
      timer = undefined;
    },
  };
}

const isListPage = (key: readonly unknown[]) => key[0] === jobKeys.lists[0] && key.length === 3 && key[2] !== 'count';
const isFirstListPage = (key: readonly unknown[]) => isListPage(key) && key[2] === null;
const isStatus = (key: readonly unknown[]) => key[0] === 'job' && key[2] === 'status';
const isDeadLetterQuery = (key: readonly unknown[]) => key[0] === 'dead-letters';

/** The job's new state in a list entry or a status answer, leaving what the event does not carry. */
function patched<T extends { state: JobEvent['state']; progress_percent: number; message: string; updated_at: string; error_code?: string; error_message?: string }>(
  current: T,
  event: JobEvent,
): T {
  // An older event (a catch-up after a reconnect) never overwrites a newer state, and one
  // already applied changes nothing. Two changes can share a millisecond (80 % and completed):
  // then a final state is kept and any other is replaced.
  if (current.updated_at > event.updated_at) return current;
  if (current.updated_at === event.updated_at) {
    const same = current.state === event.state && current.progress_percent === event.progress_percent && current.message === event.message;
    if (same || isFinalState(current.state)) return current;
  }
  return {
    ...current,
    state: event.state,
    progress_percent: event.progress_percent,
    message: event.message,
    updated_at: event.updated_at,
    ...(event.error ? { error_code: event.error.code, error_message: event.error.message } : {}),
  };
}

function withMilestone(status: JobStatusResponse, event: JobEvent): JobStatusResponse {
  const milestone = MILESTONES.find((value) => value === String(event.progress_percent));
  if (!milestone || status.milestones?.[milestone]) return status;
  return { ...status, milestones: { ...status.milestones, [milestone]: event.updated_at } };
}

/** A list page with the newer of its entries and `events`; the same object when none is newer. */
function patchedPage(data: ListJobsResponse, events: ReadonlyMap<string, JobEvent>): ListJobsResponse {
  let changed = false;
  const items = data.items.map((job) => {
    const event = events.get(job.job_id);
    const next = event ? patched(job, event) : job;
    if (next !== job) changed = true;
    return next;
  });
  return changed ? { ...data, items } : data;
}

/** Applies one event to the caches; answers whether the job was in a loaded first page. */
function applyEvent(client: QueryClient, event: JobEvent): boolean {
  let listed = false;
  const events = new Map([[event.job_id, event]]);
  for (const [key, data] of client.getQueriesData<ListJobsResponse>({ predicate: (query) => isListPage(query.queryKey) })) {
    if (!data?.items.some((job) => job.job_id === event.job_id)) continue;
    if (isFirstListPage(key)) listed = true;
    const next = patchedPage(data, events);
    if (next !== data) client.setQueryData<ListJobsResponse>(key, next);
  }
  const status = client.getQueryData<JobStatusResponse>(jobKeys.status(event.job_id));
  if (status) {
    const next = withMilestone(patched(status, event), event);
    if (next !== status) client.setQueryData<JobStatusResponse>(jobKeys.status(event.job_id), next);
  }
  return listed;
}

/** Events remembered to re-apply to answers read while they arrived; the newest jobs' only. */
const REMEMBERED_EVENTS = 1_000;

/**
 * The app's one subscription to GET /v1/events (through the typed client), patching the
 * react-query caches so that no view polls: a known job's state is changed in place in the
 * lists and on its page; a job no loaded list has makes the lists read again (throttled); a job
 * reaching its final state has its status (webhook delivery, links) and result read once, and
 * the counts and dead letters read again; any event has the fleet's lag read again. Mount it once, at the top of the app.
 */
export function useLiveEvents(): LiveState {
  const client = useQueryClient();
  const [state, setState] = useState<LiveState>('connecting');
  // A key entered (or changed) opens the stream again at once, with the new credentials.
  const apiKey = useApiKey();

  useEffect(() => {
    const controller = new AbortController();
    const lists = throttled(() => void client.invalidateQueries({ predicate: (query) => isFirstListPage(query.queryKey) }));
    const counts = throttled(() => void client.invalidateQueries({ queryKey: overviewKeys.stats }));
    const deadLetters = throttled(() => void client.invalidateQueries({ predicate: (query) => isDeadLetterQuery(query.queryKey) }));
    // A job submitted or consumed moves the lag: the fleet view (open or not) is read again.
    const fleet = throttled(() => void client.invalidateQueries({ queryKey: fleetKeys.all }));
    let lastEventId: string | undefined;
    let fallbackTimer: ReturnType<typeof setInterval> | undefined;
    let reopenTimer: ReturnType<typeof setTimeout> | undefined;

    // A list read that started before an event and ended after it would put the older state
    // back: every list answer gets the newer of its entries and the events seen.
    const latest = new Map<string, JobEvent>();
    const unsubscribe = client.getQueryCache().subscribe((change) => {
      if (change.type !== 'updated' || change.action.type !== 'success') return;
      const key = change.query.queryKey;
      if (isListPage(key)) {
        const data = change.query.state.data as ListJobsResponse | undefined;
        const next = data && patchedPage(data, latest);
        if (next && next !== data) client.setQueryData<ListJobsResponse>(key, next);
      } else if (isStatus(key)) {
        const status = change.query.state.data as JobStatusResponse | undefined;
        const event = status && latest.get(status.job_id);
        const next = event && withMilestone(patched(status, event), event);
        if (next && next !== status) client.setQueryData<JobStatusResponse>(key, next);
      }
    });

    const refreshAll = () => {
      void client.invalidateQueries({ predicate: (query) => isListPage(query.queryKey) || isDeadLetterQuery(query.queryKey) });
      void client.invalidateQueries({ queryKey: overviewKeys.stats });
      void client.invalidateQueries({ queryKey: ['job'] });
    };
    const stopFallback = () => {
      clearInterval(fallbackTimer);
      fallbackTimer = undefined;
    };

    const follow = async () => {
      try {
        const stream = dtqClient.events(
          {},
          {
            signal: controller.signal,
            ...(lastEventId ? { lastEventId } : {}),
            onOpen: () => {
              stopFallback();
              setState('live');
              // What changed before the stream was open (or while it was cut) is read once.
              lists.call();
              counts.call();
            },
          },
        );
        for await (const event of stream) {
          if (event.event_id) lastEventId = event.event_id;
          latest.delete(event.job_id);
          latest.set(event.job_id, event);
          if (latest.size > REMEMBERED_EVENTS) latest.delete(latest.keys().next().value!);
          const listed = applyEvent(client, event);
          if (!listed) lists.call();
          counts.call();
          fleet.call();
          if (isFinalState(event.state)) {
            void client.invalidateQueries({ queryKey: jobKeys.status(event.job_id) });
            void client.invalidateQueries({ queryKey: jobKeys.result(event.job_id) });
            if (event.state === 'failed') deadLetters.call();
          }
        }
      } catch {
        // The stream could not be (re)opened: said quietly by the app's header, not as an error.
      }
      if (controller.signal.aborted) return;
      setState('fallback');
      fallbackTimer ??= setInterval(refreshAll, FALLBACK_REFRESH_MS);
      reopenTimer = setTimeout(() => void follow(), REOPEN_AFTER_MS);
    };
    void follow();

    return () => {
      controller.abort();
      unsubscribe();
      stopFallback();
      clearTimeout(reopenTimer);
      lists.cancel();
      counts.cancel();
      deadLetters.cancel();
      fleet.cancel();
    };
  }, [client, apiKey]);

  return state;
}

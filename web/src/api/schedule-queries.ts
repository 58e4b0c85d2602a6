import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { createSchedule, deleteSchedule, listSchedules, listJobs, setSchedulePaused } from './api-client.js';
import { LIVE_POLL_MS } from './query-client.js';

/** How many of a schedule's jobs its card lists: the newest. */
const SCHEDULE_JOBS_SHOWN = 10;

export const scheduleKeys = {
  all: ['schedules'] as const,
  jobs: (scheduleId: string) => ['schedules', scheduleId, 'jobs'] as const,
};

/** Every schedule, asked again while the page is open: next runs move on with each tick. */
export function useSchedules() {
  return useQuery({ queryKey: scheduleKeys.all, queryFn: listSchedules, refetchInterval: LIVE_POLL_MS * 5 });
}

/** The newest jobs a schedule's ticks made. */
export function useScheduleJobs(scheduleId: string) {
  return useQuery({
    queryKey: scheduleKeys.jobs(scheduleId),
    queryFn: () => listJobs({ schedule_id: scheduleId }, { limit: SCHEDULE_JOBS_SHOWN }),
    refetchInterval: LIVE_POLL_MS * 5,
  });
}

/** Create, pause or resume, delete: each reads the schedules again when done. */
export function useScheduleActions() {
  const client = useQueryClient();
  const refresh = () => void client.invalidateQueries({ queryKey: scheduleKeys.all });
  return {
    create: useMutation({ mutationFn: createSchedule, onSuccess: refresh }),
    setPaused: useMutation({ mutationFn: (input: { scheduleId: string; paused: boolean }) => setSchedulePaused(input.scheduleId, input.paused), onSettled: refresh }),
    remove: useMutation({ mutationFn: deleteSchedule, onSettled: refresh }),
  };
}

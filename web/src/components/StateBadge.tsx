import type { JobState } from '../../../contracts/common.js';

export function StateBadge({ state }: { state: JobState }) {
  return <span className={`state state-${state}`}>{state}</span>;
}

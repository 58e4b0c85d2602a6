// What a job type's output view (jobs/<job_type>/view.tsx) may use from the web UI: the
// definition helper and the small presentational pieces every view shares. Nothing else in
// web/src is meant for job folders. Class names views may use (web/src/styles.css): `headline`
// (a line that says the result), `headline-figure` (the big number in it), `quotation` (a figure
// holding a blockquote), `muted`.
import type { ReactNode } from 'react';
import type { JobTypeContract, OutputOf, PayloadOf } from '../../contracts/job-type.js';

export { Facts, type FactRow } from './components/Facts.js';
export { formatNumber, formatTime } from './components/format.js';

/** What a view gets: the job's output (checked against its contract) and its input. */
export interface JobViewProps<C extends JobTypeContract> {
  output: OutputOf<C>;
  input: PayloadOf<C>;
}

export type JobView<C extends JobTypeContract = JobTypeContract> = (props: JobViewProps<C>) => ReactNode;

/** Declares a job type's output view: the default export of its folder's `view.tsx`. */
export function defineJobView<C extends JobTypeContract>(view: JobView<C>): JobView {
  return view as unknown as JobView;
}

/// <reference types="vite/client" />
import type { JobView } from '../job-view-kit.js';

// Each job type may have an output view in its folder (jobs/<job_type>/view.tsx); they are found
// by folder, so adding a job type never means editing the web UI. A type without one shows its
// output as facts.
const modules = import.meta.glob<{ default: JobView }>('../../../jobs/*/view.tsx', { eager: true });

export const JOB_VIEWS: Readonly<Record<string, JobView>> = Object.fromEntries(
  Object.entries(modules).map(([path, module]) => [path.split('/').at(-2)!, module.default]),
);

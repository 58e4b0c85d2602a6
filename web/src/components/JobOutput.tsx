import { JobOutputSchemas } from '../../../contracts/job-outputs.js';
import type { JobType } from '../../../contracts/job-types.js';
import { humanize } from '../forms/payload-fields.js';
import { Facts } from './Facts.js';
import { JOB_VIEWS } from './job-views.js';

/**
 * A job's output, through its job type's view (jobs/<job_type>/view.tsx) when it has one, else
 * as facts labelled like the form's fields; output that does not match its contract is shown as JSON.
 */
export function JobOutput({ jobType, output, input }: { jobType: JobType; output: Record<string, unknown>; input: Record<string, unknown> }) {
  const parsed = JobOutputSchemas[jobType].safeParse(output);
  if (!parsed.success) return <pre className="json">{JSON.stringify(output, null, 2)}</pre>;
  const { source, simulated, ...data } = parsed.data as Record<string, unknown> & { source?: string; simulated?: boolean };
  const View = JOB_VIEWS[jobType];
  return (
    <div className="output">
      <Provenance source={source} simulated={simulated} />
      {View ? <View output={parsed.data} input={input} /> : <Facts rows={Object.entries(data).map(([key, value]) => [humanize(key), typeof value === 'string' ? value : JSON.stringify(value)])} />}
    </div>
  );
}

function Provenance({ source, simulated }: { source: string | undefined; simulated: boolean | undefined }) {
  if (!source && !simulated) return null;
  return (
    <p className="provenance">
      {simulated && (
        <span className="badge badge-simulated" title="Produced by the deterministic simulated provider: not real data">
          simulated
        </span>
      )}
      {source && <span className="muted">Source: {source}</span>}
    </p>
  );
}

import {
  JobOutputSchemas,
  type ExchangeRateOutput,
  type GithubUserOutput,
  type QuoteOutput,
  type WeatherOutput,
} from '../../../contracts/job-outputs.js';
import type { JobType } from '../../../contracts/job-types.js';
import { Facts, type FactRow } from './Facts.js';
import { formatNumber, formatTime } from './format.js';

/** A job's output, readable per job type; output that does not match its contract is shown as JSON. */
export function JobOutput({ jobType, output, input }: { jobType: JobType; output: Record<string, unknown>; input: Record<string, unknown> }) {
  const parsed = JobOutputSchemas[jobType].safeParse(output);
  if (!parsed.success) return <pre className="json">{JSON.stringify(output, null, 2)}</pre>;
  const data = parsed.data;
  return (
    <div className="output">
      <Provenance source={data.source} simulated={data.simulated} />
      {jobType === 'weather' && <WeatherView output={data as WeatherOutput} units={input.units} />}
      {jobType === 'quote' && <QuoteView output={data as QuoteOutput} />}
      {jobType === 'exchange_rate' && <ExchangeRateView output={data as ExchangeRateOutput} />}
      {jobType === 'github_user' && <GithubUserView output={data as GithubUserOutput} />}
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

function WeatherView({ output, units }: { output: WeatherOutput; units: unknown }) {
  const unit = output.temperature_unit ?? (units === 'imperial' ? 'F' : 'C');
  const rows: FactRow[] = [
    ['Humidity', `${formatNumber(output.humidity_pct, 0)} %`],
    ['Wind', `${formatNumber(output.wind_kph, 1)} km/h`],
  ];
  if (output.location) rows.unshift(['Location', `${output.location.name}, ${output.location.country_code}`]);
  if (output.observed_at) rows.push(['Observed', formatTime(output.observed_at)]);
  return (
    <>
      <p className="headline">
        <span className="temperature">
          {formatNumber(output.temperature, 1)} °{unit}
        </span>{' '}
        <span>{output.condition}</span>
      </p>
      <Facts rows={rows} />
    </>
  );
}

function QuoteView({ output }: { output: QuoteOutput }) {
  return (
    <figure className="quote">
      <blockquote>{output.content}</blockquote>
      <figcaption>— {output.author}</figcaption>
      {output.tags.length > 0 && <p className="muted">Tags: {output.tags.join(', ')}</p>}
    </figure>
  );
}

function ExchangeRateView({ output }: { output: ExchangeRateOutput }) {
  return (
    <>
      <p className="headline">
        {formatNumber(output.amount)} {output.base} = {formatNumber(output.converted)} {output.target}
      </p>
      <Facts
        rows={[
          ['Rate', `1 ${output.base} = ${formatNumber(output.rate)} ${output.target}`],
          ['Date', output.date],
        ]}
      />
    </>
  );
}

function GithubUserView({ output }: { output: GithubUserOutput }) {
  return (
    <>
      <p className="headline">
        {output.name ?? output.login} <span className="muted">@{output.login}</span>
      </p>
      <Facts
        rows={[
          ['Public repos', formatNumber(output.public_repos)],
          ['Followers', formatNumber(output.followers)],
          ['Following', formatNumber(output.following)],
          ['Joined', formatTime(output.created_at)],
          [
            'Profile',
            <a key="profile" href={output.html_url} target="_blank" rel="noreferrer">
              {output.html_url}
            </a>,
          ],
        ]}
      />
    </>
  );
}

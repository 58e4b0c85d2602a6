import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { ErrorBody, JobSummary, ListJobsResponse, SubmitJobResponse } from '../../contracts/index.js';
import { API_BASE_URL } from './api-base.js';

// A minimal page: submit a weather job and watch the recent jobs list.
export function App() {
  const [city, setCity] = useState('Austin');
  const [countryCode, setCountryCode] = useState('US');
  const [units, setUnits] = useState('metric');
  const [error, setError] = useState<string | null>(null);
  const [jobs, setJobs] = useState<JobSummary[]>([]);

  const refresh = useCallback(async () => {
    const response = await fetch(`${API_BASE_URL}/v1/jobs?limit=20`);
    if (response.ok) setJobs(((await response.json()) as ListJobsResponse).items);
  }, []);

  useEffect(() => {
    void refresh();
    const timer = setInterval(() => void refresh(), 1000);
    return () => clearInterval(timer);
  }, [refresh]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    const response = await fetch(`${API_BASE_URL}/v1/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ job_type: 'weather', payload: { city, country_code: countryCode, units } }),
    });
    if (response.status !== 202) {
      setError(((await response.json()) as ErrorBody).error.message);
      return;
    }
    (await response.json()) as SubmitJobResponse;
    await refresh();
  }

  return (
    <main style={{ fontFamily: 'system-ui, sans-serif', maxWidth: 720, margin: '2rem auto', padding: '0 1rem' }}>
      <h1>dtq</h1>
      <form onSubmit={(event) => void submit(event)}>
        <label>
          City <input value={city} onChange={(e) => setCity(e.target.value)} />
        </label>{' '}
        <label>
          Country code <input value={countryCode} onChange={(e) => setCountryCode(e.target.value)} size={3} />
        </label>{' '}
        <label>
          Units{' '}
          <select value={units} onChange={(e) => setUnits(e.target.value)}>
            <option value="metric">metric</option>
            <option value="imperial">imperial</option>
          </select>
        </label>{' '}
        <button type="submit">Submit</button>
        {error && <p role="alert">{error}</p>}
      </form>
      <h2>Recent jobs</h2>
      <ul>
        {jobs.map((job) => (
          <li key={job.job_id} data-job-id={job.job_id}>
            {job.job_type} — {job.state} {job.progress_percent}% — {job.message}
          </li>
        ))}
      </ul>
    </main>
  );
}

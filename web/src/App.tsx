import { useEffect } from 'react';
import { JobDetail } from './components/JobDetail.js';
import { JobsList } from './components/JobsList.js';
import { Link } from './components/Link.js';
import { Overview } from './components/Overview.js';
import { SubmitForm } from './components/SubmitForm.js';
import { parseRoute, usePathname } from './router.js';

/** Two views: submit + recent jobs at `/`, one job at `/jobs/{job_id}`. */
export function App() {
  const route = parseRoute(usePathname());
  return (
    <>
      <header className="app-header">
        <Link to="/" className="brand">
          dtq
        </Link>
        <span className="tagline">distributed jobs</span>
      </header>
      <main className="app-main">{route.view === 'job' ? <JobDetail key={route.jobId} jobId={route.jobId} /> : <Home />}</main>
    </>
  );
}

function Home() {
  useEffect(() => {
    document.title = 'dtq · jobs';
  }, []);
  return (
    <div className="home">
      <h1 className="visually-hidden">dtq jobs: submit, overview and recent jobs</h1>
      <div className="home-side">
        <SubmitForm />
        <Overview />
      </div>
      <JobsList />
    </div>
  );
}

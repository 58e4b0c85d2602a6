import { useEffect } from 'react';
import { JobDetail } from './components/JobDetail.js';
import { JobsList } from './components/JobsList.js';
import { Link } from './components/Link.js';
import { Overview } from './components/Overview.js';
import { Schedules } from './components/Schedules.js';
import { SubmitForm } from './components/SubmitForm.js';
import { parseRoute, usePathname } from './router.js';

/** Three views: submit + recent jobs at `/`, one job at `/jobs/{job_id}`, the schedules at `/schedules`. */
export function App() {
  const route = parseRoute(usePathname());
  return (
    <>
      <header className="app-header">
        <Link to="/" className="brand">
          dtq
        </Link>
        <span className="tagline">distributed jobs</span>
        <nav aria-label="Views" className="app-nav">
          <Link to="/" {...(route.view === 'home' ? { 'aria-current': 'page' } : {})}>
            Jobs
          </Link>
          <Link to="/schedules" {...(route.view === 'schedules' ? { 'aria-current': 'page' } : {})}>
            Schedules
          </Link>
        </nav>
      </header>
      <main className="app-main">
        {route.view === 'job' ? <JobDetail key={route.jobId} jobId={route.jobId} /> : route.view === 'schedules' ? <Schedules /> : <Home />}
      </main>
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

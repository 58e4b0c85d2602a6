import { useEffect } from 'react';
import { DeadLettersPage } from './components/DeadLettersPage.js';
import { FleetPage } from './components/FleetPage.js';
import { JobDetail } from './components/JobDetail.js';
import { JobsList } from './components/JobsList.js';
import { Link } from './components/Link.js';
import { Overview } from './components/Overview.js';
import { Schedules } from './components/Schedules.js';
import { SubmitForm } from './components/SubmitForm.js';
import { parseRoute, usePathname, type Route } from './router.js';
import { FALLBACK_REFRESH_MS, useLiveEvents } from './api/live-events.js';

const VIEWS: Array<[Route['view'], string, string]> = [
  ['home', '/', 'Jobs'],
  ['fleet', '/fleet', 'Fleet'],
  ['dead-letters', '/dead-letters', 'Dead letters'],
  ['schedules', '/schedules', 'Schedules'],
];

/** The views: submit + jobs at `/`, one job at `/jobs/{job_id}`, the fleet, the dead letters and the schedules. */
export function App() {
  const route = parseRoute(usePathname());
  const live = useLiveEvents();
  return (
    <>
      <header className="app-header">
        <Link to="/" className="brand">
          dtq
        </Link>
        <span className="tagline">distributed jobs</span>
        <nav aria-label="Views" className="app-nav">
          {VIEWS.map(([view, path, name]) => (
            <Link key={view} to={path} {...(route.view === view ? { 'aria-current': 'page' } : {})}>
              {name}
            </Link>
          ))}
        </nav>
        <p className="live-state muted" role="status">
          {live === 'fallback' ? `Live updates unavailable: refreshing every ${FALLBACK_REFRESH_MS / 1000} s` : ''}
        </p>
      </header>
      <main className="app-main">
        <View route={route} />
      </main>
    </>
  );
}

function View({ route }: { route: Route }) {
  switch (route.view) {
    case 'job':
      return <JobDetail key={route.jobId} jobId={route.jobId} />;
    case 'schedules':
      return <Schedules />;
    case 'fleet':
      return <FleetPage />;
    case 'dead-letters':
      return <DeadLettersPage />;
    default:
      return <Home />;
  }
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

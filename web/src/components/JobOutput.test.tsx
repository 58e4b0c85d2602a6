// @vitest-environment jsdom
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { JobOutput } from './JobOutput.js';
import { failOnConsoleOutput } from '../test-support/console-guard.js';

failOnConsoleOutput();
afterEach(cleanup);

describe('job output', () => {
  it('renders weather with its unit, condition, humidity and wind, and a simulated badge', () => {
    render(
      <JobOutput
        jobType="weather"
        input={{ city: 'Austin', country_code: 'US', units: 'imperial' }}
        output={{ temperature: 71.6, temperature_unit: 'F', condition: 'Fog', humidity_pct: 40, wind_kph: 12.5, source: 'simulated', simulated: true }}
      />,
    );
    expect(screen.getByText('71.6 °F')).toBeTruthy();
    expect(screen.getByText('Fog')).toBeTruthy();
    expect(screen.getByText('40 %')).toBeTruthy();
    expect(screen.getByText('12.5 km/h')).toBeTruthy();
    expect(screen.getByText('simulated')).toBeTruthy();
  });

  it('shows no simulated badge for real data', () => {
    render(<JobOutput jobType="quote" input={{}} output={{ content: 'Well begun is half done.', author: 'Aristotle', tags: ['wisdom'], source: 'quotable' }} />);
    expect(screen.getByText('Well begun is half done.')).toBeTruthy();
    expect(screen.getByText('— Aristotle')).toBeTruthy();
    expect(screen.queryByText('simulated')).toBeNull();
  });

  it('renders an exchange rate and a GitHub profile', () => {
    render(
      <JobOutput
        jobType="exchange_rate"
        input={{}}
        output={{ base: 'USD', target: 'EUR', rate: 0.5, amount: 10, converted: 5, date: '2026-01-01' }}
      />,
    );
    expect(screen.getByText('1 USD = 0.5 EUR')).toBeTruthy();
    cleanup();
    render(
      <JobOutput
        jobType="github_user"
        input={{}}
        output={{ login: 'octocat', name: null, public_repos: 8, followers: 9, following: 1, created_at: '2011-01-25T18:44:36Z', html_url: 'https://github.com/octocat' }}
      />,
    );
    expect(screen.getByRole('link', { name: 'https://github.com/octocat' })).toBeTruthy();
  });

  it('falls back to JSON for output that does not match its contract', () => {
    render(<JobOutput jobType="weather" input={{}} output={{ unexpected: true }} />);
    expect(screen.getByText(/"unexpected": true/)).toBeTruthy();
  });
});

import { createHash } from 'node:crypto';
import type { JobType, OutputFor, PayloadFor } from '../../../contracts/index.js';
import { ProviderError } from '../../../core/errors/index.js';
import type { JobProvider, ProviderContext, ProviderRegistry } from '../../../core/ports/index.js';
import { delay } from '../../shared/backoff.js';

/**
 * Inputs the simulation treats as unknown upstream, so the failure path can be seen without a
 * network: documented in the README.
 */
export const SIMULATED_FAILURES = { city: 'Atlantis', githubUser: 'no-such-user', currency: 'XXX' } as const;

const CONDITIONS = ['Clear sky', 'Partly cloudy', 'Overcast', 'Slight rain', 'Fog', 'Moderate snow fall'];
const QUOTES = [
  { content: 'Simplicity is prerequisite for reliability.', author: 'Edsger W. Dijkstra', tags: ['technology'] },
  { content: 'The best way to predict the future is to invent it.', author: 'Alan Kay', tags: ['future'] },
  { content: 'Well begun is half done.', author: 'Aristotle', tags: ['wisdom'] },
];

/** A number in [0, 1) derived from the input, so the same job always simulates the same output. */
function unit(seed: string, salt: string): number {
  return createHash('sha256').update(`${salt}:${seed}`).digest().readUInt32BE(0) / 2 ** 32;
}

function simulate(payload: unknown): { seed: string } {
  return { seed: JSON.stringify(payload) };
}

type Simulation<T extends JobType> = (payload: PayloadFor<T>, seed: string) => OutputFor<T>;

const SIMULATIONS: { [K in JobType]: Simulation<K> } = {
  weather: (p, seed) => {
    if (p.city.toLowerCase() === SIMULATED_FAILURES.city.toLowerCase()) {
      throw new ProviderError('CITY_NOT_FOUND', `no city "${p.city}" in ${p.country_code}`, false);
    }
    const celsius = Math.round((unit(seed, 't') * 45 - 10) * 10) / 10;
    return {
      temperature: p.units === 'imperial' ? Math.round((celsius * 9) / 5 * 10 + 320) / 10 : celsius,
      temperature_unit: p.units === 'imperial' ? 'F' : 'C',
      condition: CONDITIONS[Math.floor(unit(seed, 'c') * CONDITIONS.length)]!,
      humidity_pct: Math.round(unit(seed, 'h') * 100),
      wind_kph: Math.round(unit(seed, 'w') * 600) / 10,
      source: 'simulated',
      simulated: true,
    };
  },
  quote: (p, seed) => {
    const candidates = QUOTES.filter((q) => (!p.tag || q.tags.includes(p.tag)) && (!p.max_length || q.content.length <= p.max_length));
    const pick = (candidates.length > 0 ? candidates : QUOTES)[Math.floor(unit(seed, 'q') * (candidates.length || QUOTES.length))]!;
    return { ...pick, tags: [...pick.tags], source: 'simulated', simulated: true };
  },
  exchange_rate: (p, seed) => {
    if (p.base === SIMULATED_FAILURES.currency || p.target === SIMULATED_FAILURES.currency) {
      throw new ProviderError('UNKNOWN_CURRENCY', `${SIMULATED_FAILURES.currency} is not a currency`, false);
    }
    const rate = Math.round((0.2 + unit(seed, 'r') * 2) * 1e4) / 1e4;
    const amount = p.amount ?? 1;
    return { base: p.base, target: p.target, rate, amount, converted: Math.round(amount * rate * 1e6) / 1e6, date: '2026-01-01', source: 'simulated', simulated: true };
  },
  github_user: (p, seed) => {
    if (p.username.toLowerCase() === SIMULATED_FAILURES.githubUser) {
      throw new ProviderError('GITHUB_USER_NOT_FOUND', `no GitHub user "${p.username}"`, false);
    }
    return {
      login: p.username,
      name: null,
      public_repos: Math.floor(unit(seed, 'r') * 200),
      followers: Math.floor(unit(seed, 'f') * 5000),
      following: Math.floor(unit(seed, 'g') * 300),
      created_at: '2015-06-01T00:00:00Z',
      html_url: `https://github.com/${p.username}`,
      source: 'simulated',
      simulated: true,
    };
  },
};

class SimulatedProvider<T extends JobType> implements JobProvider<T> {
  readonly name = 'simulated';
  constructor(
    readonly jobType: T,
    private readonly delayMs: number,
  ) {}

  async execute(payload: PayloadFor<T>, context: ProviderContext): Promise<OutputFor<T>> {
    if (this.delayMs > 0) await delay(this.delayMs, context.signal);
    if (context.signal.aborted) throw context.signal.reason ?? new Error('aborted');
    return (SIMULATIONS[this.jobType] as Simulation<T>)(payload, simulate(payload).seed);
  }
}

/** Deterministic offline providers for every job type; outputs say `simulated: true`. */
export function createSimulatedProviders(options: { delayMs: number }): ProviderRegistry {
  return {
    weather: new SimulatedProvider('weather', options.delayMs),
    quote: new SimulatedProvider('quote', options.delayMs),
    exchange_rate: new SimulatedProvider('exchange_rate', options.delayMs),
    github_user: new SimulatedProvider('github_user', options.delayMs),
  };
}

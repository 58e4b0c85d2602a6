import type { ProviderRegistry } from '../../../core/ports/index.js';
import { FrankfurterProvider } from './frankfurter-provider.js';
import { GithubUserProvider } from './github-provider.js';
import { OpenMeteoProvider } from './open-meteo-provider.js';
import { QuotableProvider } from './quotable-provider.js';

export interface HttpProviderOptions {
  timeoutMs: number;
  openMeteoForecastUrl: string;
  openMeteoGeocodingUrl: string;
  quotableUrl: string;
  frankfurterUrl: string;
  githubUrl: string;
  githubToken?: string;
}

/** The real upstream APIs, one per job type. */
export function createHttpProviders(options: HttpProviderOptions): ProviderRegistry {
  const { timeoutMs } = options;
  return {
    weather: new OpenMeteoProvider({ forecastBaseUrl: options.openMeteoForecastUrl, geocodingBaseUrl: options.openMeteoGeocodingUrl, timeoutMs }),
    quote: new QuotableProvider({ baseUrl: options.quotableUrl, timeoutMs }),
    exchange_rate: new FrankfurterProvider({ baseUrl: options.frankfurterUrl, timeoutMs }),
    github_user: new GithubUserProvider({
      baseUrl: options.githubUrl,
      timeoutMs,
      ...(options.githubToken ? { token: options.githubToken } : {}),
    }),
  };
}

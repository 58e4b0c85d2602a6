import { ProviderError } from '../../core/errors/index.js';
import type { JobContext, JobRun } from '../../core/ports/index.js';
import { expectShape, fetchJson } from '../../adapters/http/fetch-json.js';
import type contract from './contract.js';
import { describeWeatherCode } from './wmo-weather-codes.js';

type WeatherPayload = Parameters<JobRun<typeof contract>>[0];

interface GeocodingResult {
  results?: Array<{ name: string; latitude: number; longitude: number; country_code: string }>;
}

interface ForecastResult {
  current: {
    time: string;
    temperature_2m: number;
    relative_humidity_2m: number;
    wind_speed_10m: number;
    weather_code: number;
  };
}

/** Current weather from Open-Meteo: the city is geocoded first, then its forecast's `current` block read. */
export class OpenMeteoClient {
  readonly name = 'open-meteo';

  constructor(private readonly options: { forecastBaseUrl: string; geocodingBaseUrl: string; timeoutMs: number }) {}

  readonly run: JobRun<typeof contract> = async (payload, context) => {
    const place = await this.geocode(payload, context);
    const url = new URL('/v1/forecast', this.options.forecastBaseUrl);
    url.searchParams.set('latitude', String(place.latitude));
    url.searchParams.set('longitude', String(place.longitude));
    url.searchParams.set('current', 'temperature_2m,relative_humidity_2m,wind_speed_10m,weather_code');
    url.searchParams.set('temperature_unit', payload.units === 'imperial' ? 'fahrenheit' : 'celsius');
    url.searchParams.set('wind_speed_unit', 'kmh');
    url.searchParams.set('timezone', 'GMT');
    const forecast = expectShape<ForecastResult>(
      this.name,
      await fetchJson(this.name, url, { signal: context.signal, timeoutMs: this.options.timeoutMs }),
      (v) => typeof v.current?.temperature_2m === 'number' && typeof v.current?.weather_code === 'number',
    );
    return {
      temperature: forecast.current.temperature_2m,
      temperature_unit: payload.units === 'imperial' ? 'F' : 'C',
      condition: describeWeatherCode(forecast.current.weather_code),
      humidity_pct: forecast.current.relative_humidity_2m,
      wind_kph: forecast.current.wind_speed_10m,
      observed_at: forecast.current.time,
      location: place,
    };
  };

  private async geocode(payload: WeatherPayload, context: JobContext) {
    const url = new URL('/v1/search', this.options.geocodingBaseUrl);
    url.searchParams.set('name', payload.city);
    url.searchParams.set('count', '1');
    url.searchParams.set('language', 'en');
    url.searchParams.set('format', 'json');
    url.searchParams.set('countryCode', payload.country_code);
    const found = expectShape<GeocodingResult>(
      this.name,
      await fetchJson(this.name, url, { signal: context.signal, timeoutMs: this.options.timeoutMs }),
      (v) => v.results === undefined || Array.isArray(v.results),
    );
    const first = found.results?.[0];
    if (!first) {
      throw new ProviderError('CITY_NOT_FOUND', `no city "${payload.city}" in ${payload.country_code}`, false);
    }
    return { name: first.name, country_code: first.country_code, latitude: first.latitude, longitude: first.longitude };
  }
}

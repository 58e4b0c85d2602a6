import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProviderStub } from '../../test/support/provider-stub.js';
import { realHandler, simulate } from '../../test/support/job-harness.js';
import handler, { SIMULATED_UNKNOWN_CITY } from './handler.js';

describe('weather', () => {
  const stub = new ProviderStub();
  beforeAll(() => stub.start());
  afterAll(() => stub.stop());
  const run = () => realHandler(handler, { OPEN_METEO_FORECAST_URL: stub.url, OPEN_METEO_GEOCODING_URL: stub.url });

  it('geocodes the city, then reads the current block of its forecast from Open-Meteo', async () => {
    stub.routes.set('/v1/search', (_req, url) => ({
      status: 200,
      body: url.searchParams.get('name') === 'Austin' ? { results: [{ id: 1, name: 'Austin', latitude: 30.27, longitude: -97.74, country_code: 'US' }], generationtime_ms: 0.5 } : { generationtime_ms: 0.5 },
    }));
    stub.routes.set('/v1/forecast', (_req, url) => ({
      status: 200,
      body: {
        latitude: 30.27,
        longitude: -97.74,
        current_units: { temperature_2m: url.searchParams.get('temperature_unit') === 'fahrenheit' ? '°F' : '°C' },
        current: { time: '2026-02-14T15:00', interval: 900, temperature_2m: 20.4, relative_humidity_2m: 61, wind_speed_10m: 13.2, weather_code: 3 },
      },
    }));
    expect(await run()({ city: 'Austin', country_code: 'US', units: 'metric' })).toMatchObject({ temperature: 20.4, condition: 'Overcast', humidity_pct: 61, wind_kph: 13.2, temperature_unit: 'C' });
    expect(stub.hits.some((h) => h.includes('countryCode=US'))).toBe(true);
    await expect(run()({ city: 'Nowhere', country_code: 'US', units: 'metric' })).rejects.toMatchObject({ providerCode: 'CITY_NOT_FOUND', transient: false });
  });

  it('simulates the same weather for the same city, and an unknown city as the real API would', async () => {
    const austin = await simulate(handler, { city: 'Austin', country_code: 'US', units: 'imperial' });
    expect(austin).toEqual(await simulate(handler, { city: 'Austin', country_code: 'US', units: 'imperial' }));
    expect(austin.temperature_unit).toBe('F');
    await expect(simulate(handler, { city: SIMULATED_UNKNOWN_CITY, country_code: 'GR', units: 'metric' })).rejects.toMatchObject({ providerCode: 'CITY_NOT_FOUND' });
  });
});

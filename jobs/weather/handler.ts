import { httpUrlSetting } from '../../config/setting-types.js';
import { ProviderError } from '../../core/errors/index.js';
import { defineJobHandler } from '../../core/ports/index.js';
import { seededPick, seededUnit } from '../../core/simulation/seeded-random.js';
import contract from './contract.js';
import { OpenMeteoClient } from './open-meteo.js';

/** The city the simulation treats as unknown, so the failure path can be seen offline. */
export const SIMULATED_UNKNOWN_CITY = 'Atlantis';
const CONDITIONS = ['Clear sky', 'Partly cloudy', 'Overcast', 'Slight rain', 'Fog', 'Moderate snow fall'];

export default defineJobHandler(contract, {
  source: 'open-meteo',
  settings: {
    OPEN_METEO_FORECAST_URL: httpUrlSetting('https://api.open-meteo.com'),
    OPEN_METEO_GEOCODING_URL: httpUrlSetting('https://geocoding-api.open-meteo.com'),
  },
  create: ({ settings, timeoutMs }) =>
    new OpenMeteoClient({
      forecastBaseUrl: settings.OPEN_METEO_FORECAST_URL,
      geocodingBaseUrl: settings.OPEN_METEO_GEOCODING_URL,
      timeoutMs,
    }).run,
  simulate: async (p) => {
    if (p.city.toLowerCase() === SIMULATED_UNKNOWN_CITY.toLowerCase()) {
      throw new ProviderError('CITY_NOT_FOUND', `no city "${p.city}" in ${p.country_code}`, false);
    }
    const celsius = Math.round((seededUnit(p, 't') * 45 - 10) * 10) / 10;
    return {
      temperature: p.units === 'imperial' ? Math.round(((celsius * 9) / 5) * 10 + 320) / 10 : celsius,
      temperature_unit: p.units === 'imperial' ? ('F' as const) : ('C' as const),
      condition: seededPick(p, 'c', CONDITIONS),
      humidity_pct: Math.round(seededUnit(p, 'h') * 100),
      wind_kph: Math.round(seededUnit(p, 'w') * 600) / 10,
    };
  },
});

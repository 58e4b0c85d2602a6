/** The job every benchmark submits: a weather job the simulated provider answers at once. */
export const WEATHER_PAYLOAD = { city: 'Austin', country_code: 'US', units: 'metric' } as const;
export const SUBMIT_BODY = JSON.stringify({ job_type: 'weather', payload: WEATHER_PAYLOAD });

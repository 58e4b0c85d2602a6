import { httpUrlSetting } from '../../config/setting-types.js';
import { ProviderError } from '../../core/errors/index.js';
import { defineJobHandler } from '../../core/ports/index.js';
import { seededUnit } from '../../core/simulation/seeded-random.js';
import contract from './contract.js';
import { FrankfurterClient } from './frankfurter.js';

/** The currency the simulation treats as unknown, so the failure path can be seen offline. */
export const SIMULATED_UNKNOWN_CURRENCY = 'XXX';

export default defineJobHandler(contract, {
  source: 'frankfurter',
  settings: { FRANKFURTER_URL: httpUrlSetting('https://api.frankfurter.dev') },
  create: ({ settings, timeoutMs }) => new FrankfurterClient({ baseUrl: settings.FRANKFURTER_URL, timeoutMs }).run,
  simulate: async (p) => {
    if (p.base === SIMULATED_UNKNOWN_CURRENCY || p.target === SIMULATED_UNKNOWN_CURRENCY) {
      throw new ProviderError('UNKNOWN_CURRENCY', `${SIMULATED_UNKNOWN_CURRENCY} is not a currency`, false);
    }
    const rate = Math.round((0.2 + seededUnit(p, 'r') * 2) * 1e4) / 1e4;
    const amount = p.amount ?? 1;
    return { base: p.base, target: p.target, rate, amount, converted: Math.round(amount * rate * 1e6) / 1e6, date: '2026-01-01' };
  },
});

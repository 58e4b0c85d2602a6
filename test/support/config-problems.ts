import { ConfigError, loadConfig } from '../../config/index.js';

/** What loadConfig refuses in `env`, variable by variable; throws when it accepts it. */
export function configProblems(env: Record<string, string>): ConfigError['problems'] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

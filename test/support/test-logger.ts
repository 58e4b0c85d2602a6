import type { Logger } from '../../core/ports/index.js';
import { createLogger } from '../../telemetry/index.js';

/** A real logger that writes nothing, unless DTQ_TEST_LOGS=1 asks to see the lines. */
export function testLogger(): Logger {
  return createLogger({ service: 'test', level: process.env.DTQ_TEST_LOGS === '1' ? 'debug' : 'silent', destination: process.stdout });
}

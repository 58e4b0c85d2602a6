import { defineConfig } from 'vitest/config';

// Suites talk to real Redis, RabbitMQ, HTTP servers and child processes: keep the
// pool small for a 2-core machine and give I/O-bound tests room.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'jobs/**/*.test.{ts,tsx}', 'web/src/**/*.test.tsx'],
    globalSetup: ['test/support/services-setup.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default'],
  },
});

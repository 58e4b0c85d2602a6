import { defineConfig } from 'vitest/config';

/**
 * The tests that need no server, no build and no browser: pure logic, contracts, config, the
 * domain, the API and worker on in-memory adapters, the web components, the deployment files.
 * `npm run test:unit` runs these alone; a file that starts talking to a server (through
 * test/support/services.ts, job-stack, a real adapter, services mode) or needs dist/ belongs to
 * the services project instead.
 */
const UNIT_TESTS = [
  'jobs/**/*.test.{ts,tsx}',
  'test/adapters/callback-targets.test.ts',
  'test/adapters/entra-oauth-bearer.test.ts',
  'test/adapters/resilient-handlers.test.ts',
  'test/config/job-limits-config.test.ts',
  'test/adapters/webhook-sender.test.ts',
  'test/adapters/turn-batcher.test.ts',
  'test/adapters/weighted-turns.test.ts',
  'test/adapters/writes-per-turn.test.ts',
  'test/api/api-keys.test.ts',
  'test/api/event-streams-idle.test.ts',
  'test/domain/job-event-order.test.ts',
  'test/api/job-priority-overrides.test.ts',
  'test/api/callback-url.test.ts',
  'test/api/bulk-embedded.test.ts',
  'test/api/dead-letters.test.ts',
  'test/api/error-wording.test.ts',
  'test/api/event-streams-functions.test.ts',
  'test/api/handlers.test.ts',
  'test/api/http-api.test.ts',
  'test/api/job-actions.test.ts',
  'test/api/job-types.test.ts',
  'test/api/response-bytes.test.ts',
  'test/api/sign-in-auth.test.ts',
  'test/api/stats.test.ts',
  'test/api/trace-context.test.ts',
  'test/api/repeated-request-parts.test.ts',
  'test/bench/chaos-fault-proxy.test.ts',
  'test/config/kafka-config.test.ts',
  'test/config/webhook-config.test.ts',
  'test/config/readme-config.test.ts',
  'test/config/renamed-settings.test.ts',
  'test/conformance/memory-adapters.test.ts',
  'test/contracts/**/*.test.ts',
  'test/deploy/azure-platform.test.ts',
  'test/deploy/event-hubs-tier.test.ts',
  'test/deploy/bicep-structure.test.ts',
  'test/deploy/deploy-fresh-login.test.ts',
  'test/deploy/deploy-script.test.ts',
  'test/deploy/deployment-drift.test.ts',
  'test/deploy/dockerfiles.test.ts',
  'test/deploy/k8s-manifests.test.ts',
  'test/deploy/monitoring-manifests.test.ts',
  'test/deploy/prod-shape.test.ts',
  'test/deploy/static-checks.test.ts',
  'test/deploy/worker-heap.test.ts',
  'test/deploy/no-shared-keys.test.ts',
  'test/deploy/worker-telemetry.test.ts',
  'test/domain/job-label.test.ts',
  'test/domain/job-record-decoding.test.ts',
  'test/domain/webhook-retries.test.ts',
  'test/domain/job-stats.test.ts',
  'test/domain/fleet-waiting.test.ts',
  'test/jobs/**/*.test.ts',
  'test/faults/static-download-abort.test.ts',
  'test/mongodb/throttling-retry.test.ts',
  'test/ops/prometheus-rules.test.ts',
  'test/services/services-script.test.ts',
  'test/telemetry/**/*.test.ts',
  'test/web/**/*.test.ts',
  'test/worker/attempts-exhausted.test.ts',
  'test/worker/execute-job-cancel.test.ts',
  'test/worker/execute-job.test.ts',
  'test/worker/health-server.test.ts',
  'test/worker/job-log-fields.test.ts',
  'test/worker/worker-metrics.test.ts',
  'web/src/**/*.test.tsx',
];

// Suites talk to real Redis, RabbitMQ, HTTP servers and child processes: keep the
// pool small for a 2-core machine and give I/O-bound tests room. `npm test` runs both projects,
// so every file once; `npm run test:unit` runs the first alone.
export default defineConfig({
  test: {
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default'],
    projects: [
      { extends: true, test: { name: 'unit', include: UNIT_TESTS } },
      {
        extends: true,
        test: {
          name: 'services',
          include: ['test/**/*.test.ts'],
          exclude: UNIT_TESTS,
          globalSetup: ['test/support/services-setup.ts'],
        },
      },
    ],
  },
});

// Which SDK startTraceExport registers for which environment. The OTLP path is proven end to end
// against a real Collector (test/e2e/otlp-traces.test.ts); here the Azure Monitor distro is
// registered for real, with a connection string whose ingestion endpoint is a local address.
import { trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { startTraceExport } from '../../telemetry/index.js';
import { testLogger } from '../support/test-logger.js';

describe('startTraceExport', () => {
  it('registers nothing when no destination is configured (spans stay no-ops)', async () => {
    const traces = await startTraceExport({ service: 'dtq-test', logger: testLogger(), env: {} });
    expect(traces.destinations).toEqual([]);
    const span = trace.getTracer('dtq').startSpan('probe');
    expect(span.isRecording()).toBe(false);
    span.end();
    await traces.shutdown();
  });

  it('registers the Azure Monitor distro with APPLICATIONINSIGHTS_CONNECTION_STRING, and OTLP beside it', async () => {
    const traces = await startTraceExport({
      service: 'dtq-test',
      logger: testLogger(),
      env: {
        APPLICATIONINSIGHTS_CONNECTION_STRING: 'InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=http://127.0.0.1:9/',
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9',
      },
    });
    try {
      expect(traces.destinations).toEqual(['azure-monitor', 'otlp']);
      const span = trace.getTracer('dtq').startSpan('probe');
      expect(span.isRecording()).toBe(true);
      span.end();
    } finally {
      await traces.shutdown();
    }
  });
});

import type { Logger } from '../core/ports/index.js';

/**
 * Registers an OpenTelemetry SDK for dtq's spans (tracing.ts) when the environment names where
 * they go, the way the OpenTelemetry and Azure Monitor SDKs read it:
 * - APPLICATIONINSIGHTS_CONNECTION_STRING: the Azure Monitor OpenTelemetry distro
 *   (@azure/monitor-opentelemetry) sends them to Application Insights (Bicep sets it on Azure),
 *   with Entra ID tokens when APPLICATIONINSIGHTS_AUTHENTICATION_STRING says Authorization=AAD;
 * - OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT): an OTLP/HTTP exporter
 *   sends them to that collector; with both, spans go to both.
 * With neither, nothing is loaded (the SDK modules are imported only when needed) and the spans
 * stay the API's no-ops. OTEL_SERVICE_NAME overrides the service name.
 */
export interface TraceExport {
  /** Where spans go: empty when nowhere. */
  readonly destinations: readonly ('azure-monitor' | 'otlp')[];
  /** Sends what is buffered and stops; never rejects. */
  shutdown(): Promise<void>;
}

export interface TraceExportOptions {
  service: string;
  logger: Logger;
  env?: NodeJS.ProcessEnv;
}

export async function startTraceExport(options: TraceExportOptions): Promise<TraceExport> {
  const env = options.env ?? process.env;
  const connectionString = env.APPLICATIONINSIGHTS_CONNECTION_STRING?.trim();
  const otlp = Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim());
  if (!connectionString && !otlp) return { destinations: [], shutdown: async () => {} };

  const serviceName = env.OTEL_SERVICE_NAME?.trim() || options.service;
  const [{ resourceFromAttributes }, { BatchSpanProcessor }] = await Promise.all([
    import('@opentelemetry/resources'),
    import('@opentelemetry/sdk-trace-node'),
  ]);
  const resource = resourceFromAttributes({ 'service.name': serviceName });
  // The exporter reads the endpoint, headers and timeout from the OTEL_EXPORTER_OTLP_* variables.
  const otlpProcessors = otlp ? [new BatchSpanProcessor(new (await import('@opentelemetry/exporter-trace-otlp-proto')).OTLPTraceExporter())] : [];
  const destinations: ('azure-monitor' | 'otlp')[] = [];
  let stop: () => Promise<void>;

  if (connectionString) {
    const { useAzureMonitor, shutdownAzureMonitor } = await import('@azure/monitor-opentelemetry');
    // Application Insights with local auth off takes Entra tokens: Bicep says so with
    // APPLICATIONINSIGHTS_AUTHENTICATION_STRING (Authorization=AAD) and AZURE_CLIENT_ID.
    const entra = /Authorization=AAD/i.test(env.APPLICATIONINSIGHTS_AUTHENTICATION_STRING ?? '');
    const credential = entra ? new (await import('@azure/identity')).DefaultAzureCredential() : undefined;
    // A ratio sampler decides by trace id, so the API and the worker keep or drop a job's spans
    // together; the distro's default per-process rate limit (5 traces a second) would not.
    useAzureMonitor({ azureMonitorExporterOptions: { connectionString, ...(credential ? { credential } : {}) }, resource, spanProcessors: otlpProcessors, samplingRatio: 1, tracesPerSecond: 0 });
    destinations.push('azure-monitor');
    stop = () => shutdownAzureMonitor();
  } else {
    const { NodeTracerProvider } = await import('@opentelemetry/sdk-trace-node');
    const provider = new NodeTracerProvider({ resource, spanProcessors: otlpProcessors });
    // Also installs the AsyncLocalStorage context manager and the W3C propagator.
    provider.register();
    stop = () => provider.shutdown();
  }
  if (otlp) destinations.push('otlp');
  options.logger.info({ destinations, service_name: serviceName }, `traces exported to ${destinations.join(' and ')}`);

  return {
    destinations,
    async shutdown() {
      try {
        await stop();
      } catch (error) {
        options.logger.warn({ err: error }, 'trace export did not shut down cleanly');
      }
    },
  };
}

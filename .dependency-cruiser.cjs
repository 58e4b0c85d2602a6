/**
 * Dependencies point one way. contracts ← core ← adapters ← composition ← hosts.
 * composition is the only place that picks adapters; the hosts are functions/ and
 * worker-container/, and all-in-one/, which composes both. Tests and bench compose too.
 * web shares only contracts. testkit/ is test tooling that tests and bench share: it imports
 * nothing of ours, and bench takes nothing from test/.
 */
const notOurs = (from, allowed) => ({
  from: { path: from },
  to: {
    path: '^(contracts|core|adapters|config|telemetry|composition|functions|worker-container|all-in-one|web|scripts)/',
    pathNot: allowed,
  },
});

module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
    { name: 'contracts-import-nothing-of-ours', severity: 'error', ...notOurs('^contracts/', '^contracts/') },
    { name: 'core-errors-import-only-contracts', severity: 'error', ...notOurs('^core/errors/', '^(contracts|core/errors)/') },
    { name: 'ports-import-only-contracts', severity: 'error', ...notOurs('^core/ports/', '^(contracts|core/ports|core/errors)/') },
    { name: 'domain-imports-only-ports-and-contracts', severity: 'error', ...notOurs('^core/domain/', '^(contracts|core)/') },
    {
      name: 'domain-is-free-of-io',
      severity: 'error',
      from: { path: '^core/' },
      to: { dependencyTypes: ['core', 'npm'], path: '^(fs|node:fs|net|node:net|http|node:http|child_process|node:child_process|ioredis|amqplib|kafkajs|mongodb|pino|prom-client)' },
    },
    { name: 'adapters-import-ports-and-contracts', severity: 'error', ...notOurs('^adapters/', '^(contracts|core/ports|core/errors|core/time|adapters)/') },
    { name: 'time-helpers-import-nothing-of-ours', severity: 'error', ...notOurs('^core/time/', '^core/time/') },
    {
      name: 'adapters-stay-in-their-technology',
      severity: 'error',
      from: { path: '^adapters/([^/]+)/' },
      to: { path: '^adapters/', pathNot: ['^adapters/$1/', '^adapters/shared/'] },
    },
    { name: 'config-imports-only-contracts', severity: 'error', ...notOurs('^config/', '^(contracts|config)/') },
    { name: 'telemetry-imports-only-ports', severity: 'error', ...notOurs('^telemetry/', '^(core/ports|telemetry)/') },
    { name: 'web-shares-only-contracts', severity: 'error', ...notOurs('^web/', '^(contracts|web)/') },
    { name: 'composition-imports-no-host', severity: 'error', ...notOurs('^composition/', '^(contracts|core|adapters|config|telemetry|composition)/') },
    {
      name: 'hosts-pick-adapters-through-composition',
      severity: 'error',
      from: { path: '^(functions|worker-container|all-in-one)/' },
      to: { path: '^adapters/' },
    },
    {
      name: 'worker-container-imports-no-other-host',
      severity: 'error',
      from: { path: '^worker-container/' },
      to: { path: '^(functions|all-in-one)/' },
    },
    {
      // With no KAFKA_BROKERS the queue lives in the Functions process, so its two entry points
      // start a worker beside the handlers: they (and only they) may take the worker's builder.
      name: 'functions-import-no-worker-container',
      severity: 'error',
      from: { path: '^functions/', pathNot: '^functions/(app|fallback-host/main)[.]ts$' },
      to: { path: '^worker-container/' },
    },
    {
      name: 'functions-entry-points-take-only-the-worker-builder',
      severity: 'error',
      from: { path: '^functions/(app|fallback-host/main)[.]ts$' },
      to: { path: '^worker-container/', pathNot: '^worker-container/build-worker[.]ts$' },
    },
    {
      name: 'testkit-imports-nothing-of-ours',
      severity: 'error',
      from: { path: '^testkit/' },
      to: { dependencyTypes: ['local'], pathNot: '^testkit/' },
    },
    { name: 'bench-imports-nothing-from-test', severity: 'error', from: { path: '^bench/' }, to: { path: '^test/' } },
    {
      name: 'product-imports-no-test-tooling',
      severity: 'error',
      from: { path: '^(contracts|jobs|core|adapters|config|telemetry|composition|functions|worker-container|all-in-one|web/src|scripts)/', pathNot: '[.]test[.]tsx?$' },
      to: { path: '^(test|testkit|bench)/' },
    },
    {
      name: 'all-in-one-is-imported-by-nobody',
      severity: 'error',
      from: { pathNot: '^all-in-one/' },
      to: { path: '^all-in-one/' },
    },
    {
      name: 'handlers-never-pick-adapters',
      severity: 'error',
      from: { path: '^(functions/(routes|http)|core)/' },
      to: { path: '^(adapters|composition)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|node_modules)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.json'] },
  },
};

/**
 * Dependencies point one way: contracts ← core ← adapters, api, worker ← composition ← hosts.
 * api/ (the HTTP handlers, their helpers and the route table) and worker/ (the job-consuming
 * loop and its health server) talk to ports only; composition is the only place that picks
 * adapters and builds the API and the worker from them. A host is an entry point plus what only
 * it uses: functions/ (Azure Functions, and the plain-Node fallback in functions/fallback-host/),
 * worker-container/ and all-in-one/. Hosts import composition and below, never one another,
 * and nothing imports a host's entry point. Tests and bench compose too. web shares only contracts.
 * testkit/ is test tooling that tests and bench share: it imports nothing of ours, and bench
 * takes nothing from test/.
 *
 * jobs/ holds one folder per job type, in two tiers. Its contract part (contract.ts, view.tsx)
 * is shared with everyone, web/ included, through jobs/catalog.ts; its handler part (handler.ts
 * and what it uses) calls the outside world and is loaded by composition alone, by folder.
 */
const notOurs = (from, allowed) => ({
  from: { path: from },
  to: {
    path: '^(contracts|client|jobs|core|adapters|config|telemetry|api|worker|composition|functions|worker-container|all-in-one|web|scripts)/',
    pathNot: allowed,
  },
});

module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
    // contracts/job-types.ts derives the job type list and schemas from the catalog's contracts.
    { name: 'contracts-import-only-job-contracts', severity: 'error', ...notOurs('^contracts/', ['^contracts/', '^jobs/(catalog[.]ts|[^/]+/contract[.]ts)$']) },
    { name: 'job-catalog-names-only-contracts', severity: 'error', ...notOurs('^jobs/catalog[.]ts$', '^jobs/[^/]+/contract[.]ts$') },
    { name: 'job-contracts-import-only-the-definition-api', severity: 'error', ...notOurs('^jobs/[^/]+/contract[.]ts$', '^contracts/') },
    {
      name: 'job-views-import-only-their-contract-and-the-view-kit',
      severity: 'error',
      ...notOurs('^jobs/([^/]+)/view[.]tsx$', ['^contracts/', '^jobs/$1/contract[.]ts$', '^web/src/job-view-kit[.]ts$']),
    },
    {
      // A handler may call the outside world through dtq's HTTP helpers and read its settings;
      // it never picks adapters, reaches into another job type, or into the platform's insides.
      name: 'job-handlers-import-the-handler-kit-and-their-folder',
      severity: 'error',
      from: { path: '^jobs/([^/]+)/', pathNot: '/(contract[.]ts|view[.]tsx)$' },
      to: notOurs('', ['^contracts/', '^core/(ports|errors|time|simulation)/', '^adapters/http/', '^config/setting-types[.]ts$', '^jobs/$1/']).to,
    },
    {
      name: 'only-composition-loads-job-handlers',
      severity: 'error',
      from: { pathNot: '^(jobs|composition)/' },
      to: { path: '^jobs/', pathNot: '^jobs/(catalog[.]ts|[^/]+/(contract[.]ts|view[.]tsx))$' },
    },
    { name: 'simulation-helpers-import-nothing-of-ours', severity: 'error', ...notOurs('^core/simulation/', '^core/simulation/') },
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
    // The typed client is what users import: it speaks HTTP and knows only the contracts.
    { name: 'client-imports-only-contracts', severity: 'error', ...notOurs('^client/', '^(contracts|client)/') },
    { name: 'web-shares-only-contracts-and-job-contract-parts', severity: 'error', ...notOurs('^web/', ['^(contracts|client|web)/', '^jobs/(catalog[.]ts|[^/]+/(contract[.]ts|view[.]tsx))$']) },
    { name: 'api-imports-only-ports-domain-and-telemetry', severity: 'error', ...notOurs('^api/', '^(contracts|core|telemetry|api)/') },
    { name: 'worker-imports-only-ports-domain-and-telemetry', severity: 'error', ...notOurs('^worker/', '^(contracts|core|telemetry|worker)/') },
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
      from: { path: '^(contracts|jobs|core|adapters|config|telemetry|api|worker|composition|functions|worker-container|all-in-one|web/src|scripts)/', pathNot: '[.]test[.]tsx?$' },
      to: { path: '^(test|testkit|bench)/' },
    },
    {
      name: 'handlers-never-pick-adapters',
      severity: 'error',
      from: { path: '^(api|worker|core)/' },
      to: { path: '^(adapters|composition)/' },
    },
    { name: 'composition-imports-no-host', severity: 'error', ...notOurs('^composition/', '^(contracts|core|adapters|config|telemetry|api|worker|composition)/') },
    {
      // Adapters too come through composition; and a host never reaches into another host.
      name: 'hosts-import-composition-and-below',
      severity: 'error',
      ...notOurs('^(functions|worker-container|all-in-one)/', '^(contracts|core|config|telemetry|api|worker|composition|$1)/'),
    },
    {
      name: 'nothing-imports-a-host-entry-point',
      severity: 'error',
      from: {},
      to: { path: '^(functions/app|functions/fallback-host/main|worker-container/main|all-in-one/main)[.]ts$' },
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

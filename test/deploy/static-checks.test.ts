// Validation by tools nobody here wrote: kubeconform checks the built k8s/overlays, strictly
// (no unknown field), against the Kubernetes API schemas of the AKS version bicep/main.bicep pins
// (from the PyPI package kubernetes-validate) and the add-ons' CRD schemas in test/deploy/crd-schemas;
// checkov scans bicep/ and the built overlays, and every finding it reports must be in
// checkov-accepted.yaml with its reason (and every entry there must still be reported).
// scripts/tools/install.sh installs both (pinned); .ci/run runs it.
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { checkingTool, runTool, toolsDir } from '../support/checking-tools.js';
import { REPO_ROOT } from '../support/processes.js';
import { OVERLAYS, useBuiltOverlays } from './support/kustomize-build.js';

const CHECK_TIMEOUT_MS = 240_000;

/** The AKS minor version bicep/main.bicep pins (the tests validate against that API). */
function pinnedAksVersion(): string {
  const main = readFileSync(join(REPO_ROOT, 'bicep/main.bicep'), 'utf8');
  const match = /^param aksKubernetesVersion string = '(\d+\.\d+)'/m.exec(main);
  if (!match) throw new Error("bicep/main.bicep must pin the AKS version: param aksKubernetesVersion string = '<major>.<minor>'");
  return match[1]!;
}

const overlays = useBuiltOverlays();
let manifestsDir = '';
beforeAll(async () => {
  manifestsDir = join(overlays.workspace().root, 'built');
  await mkdir(manifestsDir, { recursive: true });
  for (const overlay of OVERLAYS) {
    await writeFile(join(manifestsDir, `${overlay}.yaml`), overlays.objects(overlay).map((o) => stringify(o)).join('---\n'));
  }
});

function kubeconform(files: string[]) {
  const version = `${pinnedAksVersion()}.0`;
  const schemas = join(toolsDir(), 'kubernetes-json-schema');
  return runTool('kubeconform', [
    '-strict',
    '-summary',
    '-output',
    'json',
    '-kubernetes-version',
    version,
    '-schema-location',
    join(schemas, '{{.NormalizedKubernetesVersion}}-local{{.StrictSuffix}}/{{.ResourceKind}}{{.KindSuffix}}.json'),
    '-schema-location',
    join(REPO_ROOT, 'test/deploy/crd-schemas/{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json'),
    ...files,
  ]);
}

interface KubeconformReport {
  resources: { filename: string; kind: string; name: string; status: string; msg: string }[];
  summary: { valid: number; invalid: number; errors: number; skipped: number };
}

describe('kubeconform: the built overlays against the pinned AKS version and the add-ons CRDs', () => {
  it(
    'finds every object valid, with a schema for each (no unknown field, no missing schema)',
    () => {
      checkingTool('kubeconform');
      const result = kubeconform(OVERLAYS.map((overlay) => join(manifestsDir, `${overlay}.yaml`)));
      const report = JSON.parse(result.stdout) as KubeconformReport;
      const problems = report.resources.filter((r) => r.status !== 'statusValid').map((r) => `${r.kind}/${r.name}: ${r.msg}`);
      expect(problems, result.stderr).toEqual([]);
      const built = OVERLAYS.reduce((sum, overlay) => sum + overlays.objects(overlay).length, 0);
      console.log(`kubeconform, Kubernetes ${pinnedAksVersion()}: ${report.summary.valid} of ${built} objects valid`);
      expect(report.summary).toEqual({ valid: built, invalid: 0, errors: 0, skipped: 0 });
      expect(result.status).toBe(0);
    },
    CHECK_TIMEOUT_MS,
  );

  it(
    'rejects a misspelled field, in a core kind and in a custom resource (so the schemas are really applied)',
    async () => {
      const text = readFileSync(join(manifestsDir, 'prod.yaml'), 'utf8');
      const broken = text.replace('terminationGracePeriodSeconds:', 'terminationGracePeriodSecond:').replace('pollingInterval:', 'pollingIntervall:');
      // Beside the built overlays, not among them: checkov scans that folder.
      const file = join(overlays.workspace().root, 'broken.yaml');
      await writeFile(file, broken);
      const result = kubeconform([file]);
      expect(result.status).not.toBe(0);
      expect(result.stdout).toContain("'terminationGracePeriodSecond' not allowed");
      expect(result.stdout).toContain("'pollingIntervall' not allowed");
    },
    CHECK_TIMEOUT_MS,
  );
});

interface Accepted {
  check: string;
  /** bicep: "<file under bicep/> <resource>"; kubernetes: the resource as checkov names it. */
  resources: string[];
  reason: string;
}
interface AcceptedFindings {
  bicep: Accepted[];
  kubernetes: Accepted[];
  parsingErrors: { file: string; reason: string }[];
}

interface CheckovReport {
  check_type: string;
  results: { failed_checks: { check_id: string; resource: string; file_path: string }[] };
  summary: { passed: number; failed: number; parsing_errors: number };
}

describe('checkov: bicep/ and the built overlays', () => {
  const accepted = parse(readFileSync(join(REPO_ROOT, 'test/deploy/checkov-accepted.yaml'), 'utf8')) as AcceptedFindings;
  const reports: CheckovReport[] = [];

  beforeAll(() => {
    checkingTool('checkov');
    // BC_SKIP_MAPPING and --skip-download: no calls to the vendor's platform; the checks are in the package.
    const result = runTool(
      'checkov',
      ['--directory', 'bicep', '--directory', manifestsDir, '--framework', 'bicep', 'kubernetes', '--skip-download', '--quiet', '--output', 'json'],
      { cwd: REPO_ROOT, env: { BC_SKIP_MAPPING: 'TRUE', LOG_LEVEL: 'ERROR' } },
    );
    // One JSON document per directory, each a report or a list of them (one per framework),
    // printed one after another; the first report of each framework is the one for its files.
    const documents = result.stdout.split(/\n(?=[[{]\n)/).map((text) => JSON.parse(text) as CheckovReport | CheckovReport[]);
    for (const found of documents.flat()) if (!reports.some((r) => r.check_type === found.check_type)) reports.push(found);
    if (reports.length === 0) throw new Error(`checkov printed no report (exit ${result.status}): ${result.stderr.slice(-2000)}`);
  }, CHECK_TIMEOUT_MS);

  const report = (type: string) => {
    const found = reports.find((r) => r.check_type === type);
    if (!found) throw new Error(`checkov reported nothing for ${type} (got ${reports.map((r) => r.check_type).join(', ')})`);
    return found;
  };
  const acceptedKeys = (entries: Accepted[]) => new Set(entries.flatMap((e) => e.resources.map((resource) => `${e.check} ${resource}`)));

  it('gives every accepted finding a reason', () => {
    for (const entry of [...accepted.bicep, ...accepted.kubernetes, ...accepted.parsingErrors]) {
      expect(entry.reason?.trim().length ?? 0, JSON.stringify(entry)).toBeGreaterThan(20);
    }
  });

  it('reports on bicep/ only findings the accepted list explains, and each of those still', () => {
    const bicep = report('bicep');
    const found = new Set(bicep.results.failed_checks.map((f) => `${f.check_id} ${f.file_path.replace(/^\//, '')} ${f.resource}`));
    const expected = acceptedKeys(accepted.bicep);
    console.log(`checkov bicep: ${bicep.summary.passed} passed, ${bicep.summary.failed} failed (all accepted)`);
    expect([...found].filter((key) => !expected.has(key)), 'new findings: fix them, or accept them with a reason').toEqual([]);
    expect([...expected].filter((key) => !found.has(key)), 'accepted findings checkov no longer reports: drop them').toEqual([]);
  });

  it('parses every Bicep file it can, and the list names the ones it cannot', () => {
    // The JSON report counts them; the list names them (checkov prints the names on its console).
    expect(report('bicep').summary.parsing_errors).toBe(accepted.parsingErrors.length);
  });

  it('reports on the built overlays only findings the accepted list explains, and each of those still', () => {
    const kubernetes = report('kubernetes');
    const found = new Set(kubernetes.results.failed_checks.map((f) => `${f.check_id} ${f.resource}`));
    const expected = acceptedKeys(accepted.kubernetes);
    console.log(`checkov kubernetes: ${kubernetes.summary.passed} passed, ${kubernetes.summary.failed} failed (all accepted)`);
    expect([...found].filter((key) => !expected.has(key)), 'new findings: fix them, or accept them with a reason').toEqual([]);
    expect([...expected].filter((key) => !found.has(key)), 'accepted findings checkov no longer reports: drop them').toEqual([]);
    expect(kubernetes.summary.parsing_errors).toBe(0);
  });
});

// scripts/deploy.sh: valid bash (and shellcheck-clean where shellcheck is installed); a dry run
// prints the whole plan in order and touches nothing (every deployment tool on PATH is a stub
// that fails the test if called); missing tools stop a real run before anything happens.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { REPO_ROOT } from '../support/processes.js';
import { declaredOutputs, readBicep } from './support/bicep-source.js';

const SCRIPT = join(REPO_ROOT, 'scripts/deploy.sh');
/** Everything the script may run against Azure or the build: none of it may run in a dry run. */
const STUBBED_TOOLS = ['az', 'kubectl', 'kubelogin', 'node', 'npm', 'npx', 'zip', 'swa', 'func', 'docker', 'openssl'];

let stubs: string;
let calls: string;

beforeAll(async () => {
  stubs = await mkdtemp(join(tmpdir(), 'dtq-deploy-stubs-'));
  calls = join(stubs, 'calls');
  for (const tool of STUBBED_TOOLS) {
    const stub = join(stubs, tool);
    await writeFile(stub, `#!/bin/sh\necho "${tool} $*" >> "${calls}"\necho "stub ${tool} must not run" >&2\nexit 97\n`);
    await chmod(stub, 0o755);
  }
});
afterAll(() => rm(stubs, { recursive: true, force: true }));

const deploy = (args: string[], path: string) =>
  spawnSync('/bin/bash', [SCRIPT, ...args], {
    encoding: 'utf8',
    cwd: REPO_ROOT,
    // prod refuses to deploy without sign-in (tested below).
    env: { PATH: path, HOME: process.env.HOME ?? '/tmp', DTQ_AUTH_CLIENT_ID: '5c9d2e1f-3a4b-4c6d-8e7f-9a0b1c2d3e4f' },
  });

describe('scripts/deploy.sh', () => {
  it('is valid bash', () => {
    const result = spawnSync('bash', ['-n', SCRIPT], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  const shellcheck = spawnSync('shellcheck', ['--version']).status === 0;
  if (!shellcheck) console.log('shellcheck is not installed (Debian package shellcheck, installed by the prerequisites step of npm test): lint skipped');
  it.skipIf(!shellcheck)('passes shellcheck', () => {
    const result = spawnSync('shellcheck', [SCRIPT, join(REPO_ROOT, '.ci/run'), join(REPO_ROOT, 'scripts/test-prerequisites.sh')], { encoding: 'utf8' });
    expect(result.stdout).toBe('');
    expect(result.status).toBe(0);
  });

  it('--dry-run --env dev prints every step in order and runs none of them', () => {
    const azureEnv = join(REPO_ROOT, 'k8s/overlays/dev/azure.env');
    const before = existsSync(azureEnv) ? readFileSync(azureEnv, 'utf8') : undefined;
    const result = deploy(['--dry-run', '--env', 'dev', '--image-tag', 'test-tag'], `${stubs}:/usr/bin:/bin`);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(existsSync(calls) ? readFileSync(calls, 'utf8') : '', 'tools called in a dry run').toBe('');
    expect(existsSync(azureEnv) ? readFileSync(azureEnv, 'utf8') : undefined, 'a dry run writes no file').toBe(before);

    const plan = result.stdout;
    const steps = [
      'npx tsx scripts/render-monitoring-manifests.ts --check',
      'az group create --name rg-dtq-dev',
      'az deployment group create --resource-group rg-dtq-dev --name dtq-main --template-file bicep/main.bicep --parameters bicep/main.dev.bicepparam',
      'az acr build --registry <acrName> --image dtq-worker:test-tag --file worker-container/Dockerfile .',
      'az acr repository show --name <acrName> --image dtq-worker:test-tag --query digest',
      'az aks get-credentials --resource-group rg-dtq-dev --name <aksName>',
      'kubelogin convert-kubeconfig --login azurecli',
      'write k8s/overlays/dev/azure.env',
      'WORKER_IMAGE=<acrLoginServer>/dtq-worker@<dtq-worker digest>',
      'kubectl apply --server-side --force-conflicts -k k8s/overlays/dev',
      'rollout status deployment/dtq-worker',
      'npm run build:server',
      'npm ci --omit=dev',
      'zip -q -r ../functionapp.zip .',
      'az functionapp deployment source config-zip --resource-group rg-dtq-dev --name <functionAppName>',
      'env VITE_API_BASE_URL=<apiUrl> VITE_AUTH_CLIENT_ID=<signInClientId> VITE_AUTH_AUTHORITY=<signInAuthority> VITE_AUTH_SCOPE=<signInScope> npm run build:web',
      'swa deploy web/dist --env production',
      'az grafana dashboard import --name <grafanaName>',
    ];
    let position = -1;
    for (const step of steps) {
      const at = plan.indexOf(step, position + 1);
      expect(at, `"${step}" missing, or out of order, in:\n${plan}`).toBeGreaterThan(position);
      position = at;
    }
    expect(plan).not.toMatch(/deployment-token|DTQ_RABBITMQ_PASSWORD=/);
    expect(plan, 'the API runs on Functions; the dtq-api image is not deployed (README)').not.toContain('dtq-api');
  });

  it('--worker-image deploys the image CI pushed, by digest, and builds nothing', () => {
    const image = `acrdtqprodexample.azurecr.io/dtq-worker@sha256:${'a1'.repeat(32)}`;
    const result = deploy(['--dry-run', '--env', 'prod', '--image-tag', 'v1.2.3', '--worker-image', image], `${stubs}:/usr/bin:/bin`);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).not.toContain('az acr build');
    expect(result.stdout).toContain(`WORKER_IMAGE=${image}`);
    const tagged = deploy(['--dry-run', '--env', 'prod', '--worker-image', 'acrdtqprodexample.azurecr.io/dtq-worker:v1'], `${stubs}:/usr/bin:/bin`);
    expect(tagged.status).toBe(1);
    expect(tagged.stderr).toContain('--worker-image must name an image by digest');
  });

  it('--provision-only stops after Bicep; --skip-provision starts from the existing deployment', () => {
    const provision = deploy(['--dry-run', '--env', 'prod', '--provision-only'], `${stubs}:/usr/bin:/bin`);
    expect(provision.status).toBe(0);
    expect(provision.stdout).toContain('az deployment group create');
    expect(provision.stdout).not.toMatch(/kubectl apply|az acr build|swa deploy/);
    const apps = deploy(['--dry-run', '--env', 'prod', '--skip-provision', '--worker-image', `r.azurecr.io/dtq-worker@sha256:${'b2'.repeat(32)}`], `${stubs}:/usr/bin:/bin`);
    expect(apps.status).toBe(0);
    expect(apps.stdout).not.toContain('az deployment group create');
    expect(apps.stdout).toContain('az deployment group show');
    expect(apps.stdout).toContain('kubectl apply --server-side');
  });

  it('a real run stops before touching anything when tools are missing, naming each with how to get it', async () => {
    const bin = await mkdtemp(join(tmpdir(), 'dtq-deploy-bin-'));
    try {
      for (const tool of ['dirname', 'date', 'git']) {
        const found = spawnSync('bash', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();
        if (found) await symlink(found, join(bin, tool));
      }
      const result = deploy(['--env', 'prod', '--image-tag', 'x'], bin);
      expect(result.status).toBe(1);
      expect(result.stderr).toContain('az not found: Azure CLI');
      expect(result.stderr).toContain('kubelogin not found: az aks install-cli');
      expect(result.stderr).toContain('swa not found: npm install -g @azure/static-web-apps-cli');
      expect(result.stderr).toContain('install the tools above, then run again');
      expect(result.stdout).not.toContain('+ ');
    } finally {
      await rm(bin, { recursive: true, force: true });
    }
  });

  it('refuses a missing or unknown environment', () => {
    for (const args of [[], ['--env', 'staging'], ['--env']]) {
      const result = deploy(['--dry-run', ...args], `${stubs}:/usr/bin:/bin`);
      expect(result.status, args.join(' ')).toBe(1);
      expect(result.stderr).toMatch(/--env (must be dev or prod|needs a value)/);
    }
  });

  it('reads only outputs bicep/main.bicep declares', () => {
    const used = [...readFileSync(SCRIPT, 'utf8').matchAll(/\$\(output (\w+)\)/g)].map((m) => m[1]!);
    expect(used.length).toBeGreaterThan(5);
    const declared = declaredOutputs(readBicep('bicep/main.bicep'));
    expect(used.filter((name) => !declared.includes(name))).toEqual([]);
  });

  it('writes every azure.env key the kustomize component reads', () => {
    const script = readFileSync(SCRIPT, 'utf8');
    const component = readFileSync(join(REPO_ROOT, 'k8s/components/azure-values/kustomization.yaml'), 'utf8');
    const read = [...component.matchAll(/fieldPath: data\.(\w+)/g)].map((m) => m[1]!);
    expect(read.length).toBeGreaterThan(3);
    for (const key of read) expect(script, `deploy.sh must write ${key}= into azure.env`).toMatch(new RegExp(`^${key}=`, 'm'));
  });
});

describe('.github/workflows/ci-cd.yml', () => {
  const workflow = parse(readFileSync(join(REPO_ROOT, '.github/workflows/ci-cd.yml'), 'utf8')) as {
    on: { push: { tags: string[] } };
    jobs: Record<string, { if?: string; needs?: string[]; services?: Record<string, unknown>; permissions?: Record<string, string>; steps: Array<{ uses?: string; run?: string }> }>;
  };
  const runs = (job: string) => workflow.jobs[job]!.steps.map((s) => s.run ?? '').join('\n');

  it('tests on the real servers services:up starts, with the Debian packages npm test checks for', () => {
    const prerequisites = readFileSync(join(REPO_ROOT, 'scripts/test-prerequisites.sh'), 'utf8');
    const packages = /^apt_packages=\(([^)]*)\)/m.exec(prerequisites)![1]!.split(/\s+/).filter(Boolean);
    const install = /apt-get install [^\n]*/.exec(runs('test'))![0];
    expect(packages.filter((pkg) => !install.split(/\s+/).includes(pkg)), 'in scripts/test-prerequisites.sh but not in the workflow').toEqual([]);
    expect(runs('test')).toMatch(/npm run -s services:up[^]*GITHUB_ENV/);
    expect(runs('test').indexOf('services:up')).toBeLessThan(runs('test').indexOf('npm test'));
    for (const command of ['npm run typecheck', 'npm run lint', 'npm test']) expect(runs('test')).toContain(command);
  });

  it('runs the suites under the machines\' Node 20 and again under Node 22 LTS, as .ci/run does', () => {
    // Node 20 ended its support on 30 April 2026; Azure runs dtq on Node 22 (issue 15, point 4).
    const scripts = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect(scripts['test:node22']).toBe('npx -y node@22 node_modules/vitest/vitest.mjs run');
    const ciRun = readFileSync(join(REPO_ROOT, '.ci/run'), 'utf8');
    for (const commands of [ciRun, runs('test')]) {
      const [first, second] = [/^\s*npm test$/m.exec(commands), /^\s*npm run test:node22$/m.exec(commands)];
      expect(first, 'npm test').not.toBeNull();
      expect(second?.index ?? -1, 'npm run test:node22, after npm test').toBeGreaterThan(first?.index ?? Infinity);
    }
    expect(readFileSync(join(REPO_ROOT, 'README.md'), 'utf8')).toMatch(/`npm test` and `npm run test:node22`/);
  });

  it('deploys a v* tag to prod with scripts/deploy.sh after tests and images, logged in through OIDC', () => {
    expect(workflow.on.push.tags).toEqual(['v*']);
    const deploy = workflow.jobs.deploy!;
    expect(deploy.if).toContain("startsWith(github.ref, 'refs/tags/v')");
    expect(deploy.needs).toEqual(['test', 'provision', 'images']);
    for (const job of ['provision', 'deploy']) {
      expect(workflow.jobs[job]!.permissions?.['id-token'], job).toBe('write');
      expect(workflow.jobs[job]!.steps.some((s) => s.uses?.startsWith('azure/login@')), job).toBe(true);
    }
    expect(runs('provision')).toMatch(/bash scripts\/deploy\.sh --env prod --provision-only\b/);
    expect(runs('deploy')).toMatch(/bash scripts\/deploy\.sh --env prod --skip-provision\b/);
  });

  it('pushes the worker image CI built to the registry (OIDC) and deploys that digest', () => {
    const images = workflow.jobs.images! as (typeof workflow.jobs)[string] & { outputs?: Record<string, string> };
    expect(images.steps.some((s) => s.uses?.startsWith('azure/login@'))).toBe(true);
    expect(runs('images')).toMatch(/az acr login --name/);
    const build = images.steps.find((s) => s.uses?.startsWith('docker/build-push-action@') && (s as { with?: { file?: string } }).with?.file === 'worker-container/Dockerfile') as
      | { id?: string; with: Record<string, string> }
      | undefined;
    expect(build?.with.push).toContain("startsWith(github.ref, 'refs/tags/v')");
    expect(images.outputs?.['worker-digest']).toBe(`\${{ steps.${build!.id}.outputs.digest }}`);
    expect(runs('deploy')).toMatch(/--worker-image "[^"]*dtq-worker@\$\{\{ needs\.images\.outputs\.worker-digest \}\}"/);
  });
});

// The deploy outlives a GitHub Actions OIDC token (5 to 10 minutes; the Azure CLI cannot renew a
// login made with one): scripts/deploy.sh logs in again with a fresh token before each step that
// follows a long wait, and the optional Grafana import comes after the API and the web UI are
// published and cannot stop the script. Read from the dry-run plan, in order, and from the workflow.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { REPO_ROOT } from '../support/processes.js';

const SCRIPT = join(REPO_ROOT, 'scripts/deploy.sh');
const FRESH_LOGIN = "az login --service-principal --username client-id --tenant tenant-id --federated-token <fresh-github-oidc-token>";

/** The dry-run plan as a GitHub Actions OIDC run sees it (the runner's token request variables set). */
function ciPlan(): string[] {
  const result = spawnSync(
    '/bin/bash',
    [SCRIPT, '--dry-run', '--env', 'prod', '--skip-provision', '--worker-image', `r.azurecr.io/dtq-worker@sha256:${'c3'.repeat(32)}`],
    {
      encoding: 'utf8',
      cwd: REPO_ROOT,
      env: {
        PATH: '/usr/bin:/bin',
        HOME: process.env.HOME ?? '/tmp',
        ACTIONS_ID_TOKEN_REQUEST_URL: 'https://token.invalid/?x=1',
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'request-token',
        AZURE_CLIENT_ID: 'client-id',
        AZURE_TENANT_ID: 'tenant-id',
      },
    },
  );
  expect(result.status, result.stderr).toBe(0);
  return result.stdout.split('\n');
}

const indexOf = (plan: string[], text: string, from = 0) => plan.findIndex((line, i) => i >= from && line.includes(text));

describe('scripts/deploy.sh in a GitHub Actions OIDC run', () => {
  const plan = ciPlan();

  it('logs in again after every long wait, before the next command that asks Azure for a token', () => {
    const waits = plan.flatMap((line, i) => (/kubectl .*(rollout status|wait --for)|az acr build/.test(line) ? [i] : []));
    expect(waits.length).toBeGreaterThanOrEqual(3);
    const lastWait = waits.at(-1)!;
    const nextAzure = indexOf(plan, '+ az ', lastWait + 1);
    expect(nextAzure, 'an az command after the rollout waits').toBeGreaterThan(lastWait);
    expect(plan[nextAzure], 'the first Azure call after the rollout waits is a fresh login').toContain(FRESH_LOGIN);
    // kubelogin asks for the AKS audience at the first kubectl call: a fresh login comes before it.
    const credentials = indexOf(plan, 'az aks get-credentials');
    expect(plan[credentials - 1]).toContain(FRESH_LOGIN);
  });

  it('imports the Grafana dashboard last, after the API and the web UI are published, after a fresh login', () => {
    const publish = indexOf(plan, 'az functionapp deployment source config-zip');
    const web = indexOf(plan, 'swa deploy web/dist');
    const grafana = indexOf(plan, 'az grafana dashboard import');
    expect(publish).toBeGreaterThan(-1);
    expect(web).toBeGreaterThan(publish);
    expect(grafana).toBeGreaterThan(web);
    expect(plan.slice(web, grafana).some((line) => line.includes(FRESH_LOGIN))).toBe(true);
  });

  it('cannot stop the deployment at the Grafana import (an if, not a command that exits)', () => {
    const text = readFileSync(SCRIPT, 'utf8');
    expect(text).toMatch(/^if ! try_with_retries az grafana dashboard import /m);
    expect(text).not.toMatch(/^run(_with_retries)? az grafana/m);
  });

  it('logs in as the person or pipeline already did outside GitHub Actions (no OIDC token to fetch)', () => {
    const result = spawnSync('/bin/bash', [SCRIPT, '--dry-run', '--env', 'dev'], {
      encoding: 'utf8',
      cwd: REPO_ROOT,
      env: { PATH: '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp' },
    });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).not.toContain('--federated-token');
    expect(result.stdout).toContain('Azure login kept');
  });
});

describe('scripts/deploy.sh --env prod', () => {
  it('refuses to provision prod without sign-in (DTQ_AUTH_CLIENT_ID), naming the variable', () => {
    const result = spawnSync('/bin/bash', [SCRIPT, '--dry-run', '--env', 'prod'], {
      encoding: 'utf8',
      cwd: REPO_ROOT,
      env: { PATH: '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp' },
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('--env prod needs DTQ_AUTH_CLIENT_ID');
  });
});

describe('the deploy job of the workflow', () => {
  const workflow = parse(readFileSync(join(REPO_ROOT, '.github/workflows/ci-cd.yml'), 'utf8')) as {
    jobs: Record<string, { permissions?: Record<string, string>; steps: { run?: string; env?: Record<string, string> }[] }>;
  };

  it('may request OIDC tokens and gives deploy.sh the ids to log in again with', () => {
    const deploy = workflow.jobs.deploy!;
    expect(deploy.permissions?.['id-token']).toBe('write');
    const step = deploy.steps.find((s) => s.run?.includes('scripts/deploy.sh'))!;
    expect(Object.keys(step.env ?? {})).toEqual(expect.arrayContaining(['AZURE_CLIENT_ID', 'AZURE_TENANT_ID', 'AZURE_SUBSCRIPTION_ID']));
  });
});

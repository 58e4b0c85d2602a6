// The images (built by `az acr build`; no Docker engine here) are checked for what matters:
// multi-stage with dev dependencies left behind, a non-root user, production mode, an exec-form
// CMD that starts the right build output (so SIGTERM reaches node), the port the code listens on,
// and a build context that holds every source the build compiles.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../config/index.js';
import { REPO_ROOT } from '../support/processes.js';

interface Instruction {
  keyword: string;
  args: string;
}

function instructions(path: string): Instruction[] {
  const text = readFileSync(join(REPO_ROOT, path), 'utf8').replace(/\\\n/g, ' ');
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const [keyword, ...rest] = line.split(/\s+/);
      return { keyword: keyword!.toUpperCase(), args: rest.join(' ') };
    });
}

/** The instructions of each stage, by stage name (the last one is the image that runs). */
function stages(path: string): Array<{ name: string; steps: Instruction[] }> {
  const result: Array<{ name: string; steps: Instruction[] }> = [];
  for (const step of instructions(path)) {
    if (step.keyword === 'FROM') result.push({ name: /\bAS\s+(\S+)/i.exec(step.args)?.[1] ?? '', steps: [] });
    else result.at(-1)?.steps.push(step);
  }
  return result;
}

const packageScripts = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
const buildIncludes = (JSON.parse(readFileSync(join(REPO_ROOT, 'tsconfig.build.json'), 'utf8')) as { include: string[] }).include;
const portDefault = (name: 'PORT' | 'WORKER_METRICS_PORT') => ConfigSchema.shape[name].parse(undefined);

const IMAGES = [
  { dockerfile: 'worker-container/Dockerfile', build: 'npm run build:server', entry: 'worker-container/main.ts', port: portDefault('WORKER_METRICS_PORT') },
  { dockerfile: 'functions/fallback-host/Dockerfile', build: 'npm run build', entry: 'functions/fallback-host/main.ts', port: portDefault('PORT') },
];

describe.each(IMAGES)('$dockerfile', ({ dockerfile, build, entry, port }) => {
  const [builder, runtime] = [stages(dockerfile).at(0)!, stages(dockerfile).at(-1)!];
  const runs = (stage: typeof builder) => stage.steps.filter((s) => s.keyword === 'RUN').map((s) => s.args);

  it('builds in one stage and runs in another, with production dependencies only', () => {
    expect(stages(dockerfile).length).toBeGreaterThanOrEqual(2);
    expect(runs(builder).some((r) => r.includes('npm ci'))).toBe(true);
    expect(runs(builder).some((r) => r.includes(build))).toBe(true);
    expect(packageScripts[build.replace('npm run ', '')], `package.json script for ${build}`).toBeDefined();
    expect(runs(runtime).some((r) => r.includes('npm ci') && r.includes('--omit=dev'))).toBe(true);
    expect(runtime.steps.some((s) => s.keyword === 'COPY' && s.args.includes(`--from=${builder.name}`) && s.args.includes('/app/dist'))).toBe(true);
  });

  it('runs as a non-root user in production mode', () => {
    const user = runtime.steps.filter((s) => s.keyword === 'USER').at(-1)?.args;
    expect(user, 'USER in the runtime stage').toBeDefined();
    expect(['root', '0', '0:0']).not.toContain(user);
    expect(runtime.steps.some((s) => s.keyword === 'ENV' && /\bNODE_ENV=production\b/.test(s.args))).toBe(true);
  });

  it('starts the build output of its entry point with an exec-form CMD, so SIGTERM reaches node', () => {
    const cmd = runtime.steps.filter((s) => s.keyword === 'CMD').at(-1)!.args;
    const argv = JSON.parse(cmd) as string[];
    expect(argv[0]).toBe('node');
    expect(argv[1]).toBe(`dist/${entry.replace(/\.ts$/, '.js')}`);
    expect(existsSync(join(REPO_ROOT, entry))).toBe(true);
    expect(buildIncludes).toContain(entry.split('/')[0]);
  });

  it('exposes the port the code listens on by default, with a health check on /healthz', () => {
    expect(runtime.steps.filter((s) => s.keyword === 'EXPOSE').map((s) => Number(s.args))).toEqual([port]);
    expect(runtime.steps.find((s) => s.keyword === 'HEALTHCHECK')?.args).toContain('/healthz');
  });
});

describe('.dockerignore', () => {
  const patterns = readFileSync(join(REPO_ROOT, '.dockerignore'), 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));

  it('keeps installed, built, secret and deployment-only files out of the build context', () => {
    expect(patterns).toEqual(expect.arrayContaining(['node_modules', 'dist', '.git', '.env', '.env.*', 'local.settings.json']));
  });

  it('keeps every source the build compiles, and the package files', () => {
    const needed = [...buildIncludes, 'package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'web'];
    expect(needed.filter((path) => patterns.includes(path))).toEqual([]);
  });
});

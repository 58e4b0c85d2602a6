// The checking tools scripts/tools/install.sh installs (pinned) into the tool folder: found there
// first, then on PATH. A missing tool fails the test that needs it, naming the tool and the fix.
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

export type CheckingTool = 'kubeconform' | 'checkov' | 'dtq-otelcol';

export function toolsDir(): string {
  return process.env.DTQ_TOOLS_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'dtq', 'tools');
}

const executable = (path: string) => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/** The tool's path; throws naming the tool and how to install it. */
export function checkingTool(name: CheckingTool): string {
  const candidates = [join(toolsDir(), 'bin', name), ...(process.env.PATH ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, name))];
  const found = candidates.find(executable);
  if (!found) {
    throw new Error(`${name} is needed by this test and was not found in ${join(toolsDir(), 'bin')} or on PATH: run \`bash scripts/tools/install.sh\` (.ci/run does)`);
  }
  return found;
}

/** Runs a tool to completion (stdout and stderr as text). */
export function runTool(name: CheckingTool, args: string[], options: { cwd?: string; env?: Record<string, string> } = {}) {
  const result = spawnSync(checkingTool(name), args, {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    ...(options.cwd ? { cwd: options.cwd } : {}),
    env: { ...process.env, ...options.env },
  });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

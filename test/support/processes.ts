import { spawn, type ChildProcess } from 'node:child_process';
import { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';

export { freePort } from '../../testkit/free-port.js';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface RunningChild {
  child: ChildProcess;
  lines: string[];
  stderr: string[];
  /** Resolves with the first stdout line matching, or rejects at the deadline or on exit. */
  waitForLine(match: RegExp, timeoutMs?: number): Promise<string>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts a built entry point (under dist/) with node, collecting its output lines. */
export function startNode(script: string, env: Record<string, string>, args: string[] = [], options: { cwd?: string } = {}): RunningChild {
  return startProcess(process.execPath, [script, ...args], env, options);
}

/** Starts any program in the repository root (or `cwd`) with a minimal environment, collecting its output lines. */
export function startProcess(command: string, args: string[], env: Record<string, string> = {}, options: { cwd?: string } = {}): RunningChild {
  const child = spawn(command, args, {
    cwd: options.cwd ?? REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const stderr: string[] = [];
  const listeners = new Set<() => void>();
  const collect = (into: string[]) => {
    let partial = '';
    return (chunk: Buffer) => {
      partial += chunk.toString('utf8');
      const parts = partial.split('\n');
      partial = parts.pop() ?? '';
      into.push(...parts.filter((p) => p.length > 0));
      for (const listener of listeners) listener();
    };
  };
  child.stdout!.on('data', collect(lines));
  child.stderr!.on('data', collect(stderr));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      for (const listener of listeners) listener();
      resolve({ code, signal });
    }),
  );
  return {
    child,
    lines,
    stderr,
    exited,
    waitForLine(match, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = lines.find((l) => match.test(l));
          if (found) return finish(() => resolve(found));
          if (child.exitCode !== null || child.signalCode !== null) {
            finish(() => reject(new Error(`process exited before printing ${match}; stderr: ${stderr.join('\n')}`)));
          }
        };
        const timer = setTimeout(() => finish(() => reject(new Error(`no line matching ${match} within ${timeoutMs} ms; got:\n${lines.join('\n')}\n${stderr.join('\n')}`))), timeoutMs);
        const finish = (then: () => void) => {
          clearTimeout(timer);
          listeners.delete(check);
          then();
        };
        listeners.add(check);
        check();
      });
    },
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Whether something accepts TCP connections on 127.0.0.1:port now. */
export function acceptsConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.connect(port, '127.0.0.1');
  });
}

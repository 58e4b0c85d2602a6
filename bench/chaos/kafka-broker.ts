import { execFile, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../lib/processes.js';

const run = promisify(execFile);

/**
 * The shared Kafka broker `services:up` runs. Its clients connect to the address it advertises
 * (127.0.0.1:9092), so a proxy cannot sit in between: it is frozen with SIGSTOP and cut by
 * stopping it and starting it again on the same data directory.
 */
export class KafkaBrokerControl {
  readonly dir = join(process.env.DTQ_SERVICES_DIR ?? '/tmp/dtq-services', 'kafka');
  private readonly script = join(REPO_ROOT, 'scripts', 'services', 'kafka', 'broker.sh');
  /** The pid this run sent SIGSTOP, until it sends SIGCONT. */
  private frozenPid: number | undefined;
  /** Set while this run has the broker stopped. */
  private stopped = false;

  get state(): 'running' | 'frozen' | 'stopped' {
    return this.stopped ? 'stopped' : this.frozenPid !== undefined ? 'frozen' : 'running';
  }

  pid(): number {
    const pid = Number.parseInt(readFileSync(join(this.dir, 'broker.pid'), 'utf8').trim(), 10);
    if (!Number.isInteger(pid) || pid <= 0) throw new Error(`no broker pid in ${this.dir}/broker.pid`);
    process.kill(pid, 0);
    return pid;
  }

  /** PLAINTEXT and CONTROLLER ports from the broker's own server.properties. */
  private ports(): [string, string] {
    const properties = readFileSync(join(this.dir, 'server.properties'), 'utf8');
    const listeners = /^listeners=(.*)$/m.exec(properties)?.[1] ?? '';
    const port = (name: string) => new RegExp(`${name}://[^:,]+:(\\d+)`).exec(listeners)?.[1];
    const [plain, controller] = [port('PLAINTEXT'), port('CONTROLLER')];
    if (!plain || !controller) throw new Error(`cannot read the broker's listeners from ${this.dir}/server.properties`);
    return [plain, controller];
  }

  freeze(): void {
    const pid = this.pid();
    this.frozenPid = pid;
    process.kill(pid, 'SIGSTOP');
  }

  thaw(): void {
    if (this.frozenPid === undefined) return;
    try {
      process.kill(this.frozenPid, 'SIGCONT');
    } finally {
      this.frozenPid = undefined;
    }
  }

  async stop(): Promise<void> {
    this.ports(); // fail before stopping when it could not be started again
    this.stopped = true;
    await run('bash', [this.script, 'stop', this.dir], { cwd: REPO_ROOT });
  }

  async start(): Promise<void> {
    if (!this.stopped) return;
    await run('bash', [this.script, 'start', ...this.ports(), this.dir], { cwd: REPO_ROOT, timeout: 120_000 });
    this.stopped = false;
  }

  /** Whatever this run did to the broker, undone; async, for `finally`. */
  async restore(): Promise<void> {
    this.thaw();
    await this.start();
  }

  /** The same, synchronously, for an exit handler where nothing asynchronous runs any more. */
  restoreNow(): void {
    this.thaw();
    if (!this.stopped) return;
    spawnSync('bash', [this.script, 'start', ...this.ports(), this.dir], { cwd: REPO_ROOT, stdio: 'ignore', timeout: 120_000 });
    this.stopped = false;
  }
}

/**
 * CLI: `npm run emulator:mongo -- --port 27017 [--host 127.0.0.1] [--quiet]`.
 * Prints the connection URI and runs until SIGINT/SIGTERM.
 */
import { startMongoEmulator } from "./index.js";

function parseArgs(argv: string[]): { port: number; host: string; quiet: boolean } {
  let port = 27017;
  let host = "127.0.0.1";
  let quiet = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const next = (): string => {
      const value = argv[++i];
      if (value === undefined) throw new Error(`${arg} needs a value`);
      return value;
    };
    if (arg === "--port") {
      port = Number(next());
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error("--port must be an integer in 0..65535");
    } else if (arg === "--host") {
      host = next();
    } else if (arg === "--quiet") {
      quiet = true;
    } else if (arg === "--help" || arg === "-h") {
      process.stdout.write("usage: emulator:mongo [--port N (default 27017, 0 = ephemeral)] [--host H] [--quiet]\n");
      process.exit(0);
    } else {
      throw new Error(`unknown argument: ${String(arg)}`);
    }
  }
  return { port, host, quiet };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const emulator = await startMongoEmulator({
    port: args.port,
    host: args.host,
    log: args.quiet ? () => {} : (line) => process.stderr.write(`[mongo-emulator] ${line}\n`),
  });
  process.stdout.write(`mongo emulator listening: ${emulator.uri}\n`);
  const stop = (): void => {
    void emulator.close().then(() => process.exit(0));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`mongo emulator failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});

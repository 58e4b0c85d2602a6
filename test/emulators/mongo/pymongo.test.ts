import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMongoEmulator, type MongoEmulator } from "../../../scripts/emulators/mongo/index.js";
import { uniqueName } from "./helpers.js";

/** Debian's interpreter, where python3-pymongo (3.11) installs; not whatever python3 is first on PATH. */
const PYTHON = "/usr/bin/python3";
const SCRIPT = fileURLToPath(new URL("./pymongo_check.py", import.meta.url));
const INSTALL_HINT = "pymongo is not importable by /usr/bin/python3: run `apt-get install -y python3-pymongo`";

interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  error?: Error;
}

function run(args: string[], timeoutMs: number): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(PYTHON, args, { timeout: timeoutMs, killSignal: "SIGKILL", maxBuffer: 4 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : null) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr), ...(error ? { error } : {}) });
    });
  });
}

describe("mongo emulator with pymongo (Debian python3-pymongo)", () => {
  let emulator: MongoEmulator;

  beforeAll(async () => {
    emulator = await startMongoEmulator();
  });
  afterAll(async () => {
    await emulator?.close();
  });

  it("has pymongo importable under /usr/bin/python3", async () => {
    const probe = await run(["-c", "import pymongo; print(pymongo.version)"], 20_000);
    if (probe.code !== 0) {
      throw new Error(`${INSTALL_HINT}\n${probe.stderr || probe.error?.message || ""}`);
    }
    expect(probe.stdout.trim()).toMatch(/^\d+\.\d+/);
  });

  it("passes the pymongo checks", async () => {
    const result = await run([SCRIPT, emulator.uri, uniqueName("py")], 60_000);
    if (/No module named '?pymongo/.test(result.stderr) || result.error?.message.includes("ENOENT")) {
      throw new Error(`${INSTALL_HINT}\n${result.stderr}`);
    }
    const lastLine = result.stdout.trim().split("\n").pop() ?? "";
    let summary: { ok: boolean; pymongo: string; checks: Record<string, { ok: boolean; detail: unknown }> };
    try {
      summary = JSON.parse(lastLine) as typeof summary;
    } catch {
      throw new Error(`pymongo_check.py printed no JSON summary (exit ${String(result.code)}):\n${result.stdout}\n${result.stderr}`);
    }
    const failed = Object.entries(summary.checks).filter(([, c]) => !c.ok);
    expect(failed, JSON.stringify(failed, null, 2)).toEqual([]);
    expect(Object.keys(summary.checks).sort()).toEqual(
      [
        "batch_size_paging",
        "count_documents",
        "duplicate_key_error",
        "index_information",
        "insert_many",
        "int64_roundtrip",
        "sort_limit",
        "upsert_set_on_insert",
      ].sort(),
    );
    expect(summary.ok).toBe(true);
    expect(result.code).toBe(0);
  });
});

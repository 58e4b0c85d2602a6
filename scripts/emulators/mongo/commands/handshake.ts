/**
 * Connection-level and diagnostic commands: the hello handshake (in both
 * spellings), ping, buildInfo and the other commands drivers and shells send
 * while connecting, plus session bookkeeping, which the emulator accepts and
 * ignores.
 */
import { UUID } from "bson";
import { hostname } from "node:os";
import type { Doc } from "../documents.js";
import { fail } from "../errors.js";
import { MAX_BSON_OBJECT_SIZE, MAX_MESSAGE_SIZE } from "../wire.js";
import type { CommandContext, CommandHandler } from "./context.js";

/** Reported server version: 7.0 semantics (idempotent create, drop of a missing collection succeeds). */
export const SERVER_VERSION = "7.0.0";
const VERSION_ARRAY = [7, 0, 0, 0];
/**
 * Wire versions: 0 (so drivers that start with OP_QUERY, e.g. pymongo 3.x,
 * accept the server) up to 21 (MongoDB 7.0), which is above the Node
 * driver 7's minimum of 9.
 */
export const MIN_WIRE_VERSION = 0;
export const MAX_WIRE_VERSION = 21;
const SESSION_TIMEOUT_MINUTES = 30;

function helloReply(ctx: CommandContext, legacy: boolean): Doc {
  return {
    ...(ctx.body.helloOk === true ? { helloOk: true } : {}),
    ...(legacy ? { ismaster: true } : { isWritablePrimary: true }),
    maxBsonObjectSize: MAX_BSON_OBJECT_SIZE,
    maxMessageSizeBytes: MAX_MESSAGE_SIZE,
    maxWriteBatchSize: 100_000,
    localTime: new Date(),
    logicalSessionTimeoutMinutes: SESSION_TIMEOUT_MINUTES,
    connectionId: ctx.connectionId,
    minWireVersion: MIN_WIRE_VERSION,
    maxWireVersion: MAX_WIRE_VERSION,
    readOnly: false,
    ok: 1,
  };
}

const PARAMETERS: Doc = {
  featureCompatibilityVersion: { version: "7.0" },
  authenticationMechanisms: [],
  logLevel: 0,
  quiet: false,
  maxBSONDepth: 100,
  requireApiVersion: false,
};

const getParameter: CommandHandler = (ctx) => {
  const arg = ctx.body.getParameter;
  const wanted =
    arg === "*" || (typeof arg === "object" && arg !== null && (arg as Doc).allParameters === true)
      ? Object.keys(PARAMETERS)
      : Object.keys(ctx.body).filter((k) => k !== "getParameter" && !k.startsWith("$") && k !== "lsid" && k !== "comment");
  const out: Doc = {};
  for (const key of wanted) {
    if (key in PARAMETERS) out[key] = PARAMETERS[key];
  }
  if (Object.keys(out).length === 0) throw fail("InvalidOptions", "no option found to get");
  return { ...out, ok: 1 };
};

const buildInfo: CommandHandler = () => ({
  version: SERVER_VERSION,
  gitVersion: "0000000000000000000000000000000000000000",
  versionArray: VERSION_ARRAY,
  modules: [],
  allocator: "system",
  javascriptEngine: "none",
  sysInfo: "deprecated",
  bits: 64,
  debug: false,
  maxBsonObjectSize: MAX_BSON_OBJECT_SIZE,
  storageEngines: ["inMemory"],
  openssl: { running: "disabled", compiled: "disabled" },
  buildEnvironment: { target_os: process.platform },
  ok: 1,
});

const serverStatus: CommandHandler = (ctx) => {
  const uptimeMillis = Date.now() - ctx.server.startedAt;
  return {
    host: `${hostname()}:${ctx.server.port}`,
    version: SERVER_VERSION,
    process: "mongod",
    pid: process.pid,
    uptime: Math.floor(uptimeMillis / 1000),
    uptimeMillis,
    uptimeEstimate: Math.floor(uptimeMillis / 1000),
    localTime: new Date(),
    connections: {
      current: ctx.server.connectionsCurrent(),
      available: 1_000_000,
      totalCreated: ctx.server.connectionsTotal(),
    },
    storageEngine: { name: "inMemory", supportsCommittedReads: false, persistent: false },
    ok: 1,
  };
};

const getLog: CommandHandler = (ctx) => {
  const which = ctx.body.getLog;
  if (which === "*") return { names: ["global", "startupWarnings"], ok: 1 };
  if (which === "global" || which === "startupWarnings") return { totalLinesWritten: 0, log: [], ok: 1 };
  throw fail("BadValue", `No log named '${String(which)}'`);
};

const ok: CommandHandler = () => ({ ok: 1 });

export const handshakeCommands: Record<string, CommandHandler> = {
  hello: (ctx) => helloReply(ctx, false),
  isMaster: (ctx) => helloReply(ctx, true),
  ismaster: (ctx) => helloReply(ctx, true),
  ping: ok,
  buildInfo,
  buildinfo: buildInfo,
  getParameter,
  getLog,
  serverStatus,
  hostInfo: () => ({
    system: { hostname: hostname(), currentTime: new Date(), numCores: 1, cpuArch: process.arch, memSizeMB: 1024 },
    os: { type: process.platform === "linux" ? "Linux" : process.platform, name: process.platform },
    extra: {},
    ok: 1,
  }),
  whatsmyuri: (ctx) => ({ you: ctx.remoteAddress, ok: 1 }),
  connectionStatus: () => ({ authInfo: { authenticatedUsers: [], authenticatedUserRoles: [] }, ok: 1 }),
  getCmdLineOpts: () => ({ argv: ["dtq-mongo-emulator"], parsed: {}, ok: 1 }),
  getFreeMonitoringStatus: () => ({ state: "disabled", ok: 1 }),
  listCommands: () => ({ commands: {}, ok: 1 }),
  endSessions: ok,
  killSessions: ok,
  killAllSessions: ok,
  refreshSessions: ok,
  startSession: () => ({ id: { id: new UUID() }, timeoutMinutes: SESSION_TIMEOUT_MINUTES, ok: 1 }),
  logout: ok,
};

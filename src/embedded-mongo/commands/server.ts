// Handshake and server-level commands: hello/isMaster, ping, buildInfo, serverStatus,
// sessions, parameters and the small diagnostics drivers and shells ask for.
import os from 'node:os';
import { badValue, ErrorCodes, MongoCommandError } from '../errors.ts';
import { queryMetrics } from '../metrics.ts';
import { type Doc, isPlainObject } from '../values.ts';
import { MAX_BSON_OBJECT_SIZE, MAX_MESSAGE_SIZE, MAX_WRITE_BATCH_SIZE } from '../wire.ts';
import type { CommandHandler } from './context.ts';

export const VERSION = '7.0.0';
export const MIN_WIRE_VERSION = 0;
export const MAX_WIRE_VERSION = 21;

export const hello: CommandHandler = (cmd, ctx) => {
  const legacy = !('hello' in cmd);
  const reply: Doc = legacy ? { ismaster: true } : { isWritablePrimary: true };
  if (cmd.helloOk === true) reply.helloOk = true;
  Object.assign(reply, {
    maxBsonObjectSize: MAX_BSON_OBJECT_SIZE,
    maxMessageSizeBytes: MAX_MESSAGE_SIZE,
    maxWriteBatchSize: MAX_WRITE_BATCH_SIZE,
    localTime: new Date(),
    logicalSessionTimeoutMinutes: 30,
    connectionId: ctx.connectionId,
    minWireVersion: MIN_WIRE_VERSION,
    maxWireVersion: MAX_WIRE_VERSION,
    readOnly: false,
    ok: 1,
  });
  return reply;
};

export const ping: CommandHandler = () => ({ ok: 1 });

export const buildInfo: CommandHandler = () => ({
  version: VERSION,
  gitVersion: 'embedded',
  versionArray: [7, 0, 0, 0],
  bits: 64,
  debug: false,
  maxBsonObjectSize: MAX_BSON_OBJECT_SIZE,
  storageEngines: ['embedded'],
  javascriptEngine: 'none',
  modules: [],
  openssl: { running: 'disabled' },
  sysInfo: 'deprecated',
  allocator: 'system',
  ok: 1,
});

export const serverStatus: CommandHandler = (_cmd, ctx) => {
  const e = ctx.engine;
  const uptimeMillis = Date.now() - e.startedAt;
  const mem = process.memoryUsage();
  return {
    host: `${os.hostname()}:${e.port}`,
    version: VERSION,
    process: 'mongod',
    pid: process.pid,
    uptime: Math.floor(uptimeMillis / 1000),
    uptimeMillis,
    uptimeEstimate: Math.floor(uptimeMillis / 1000),
    localTime: new Date(),
    connections: {
      current: e.connections.current,
      available: 1_000_000 - e.connections.current,
      totalCreated: e.connections.totalCreated,
      active: e.connections.current,
    },
    opcounters: { ...e.counters },
    network: { ...e.network },
    // The engine's own: what the connection limits hold, and whom they closed.
    ...(e.wire ? { wire: e.wire() } : {}),
    mem: {
      bits: 64,
      resident: Math.round(mem.rss / 1024 / 1024),
      virtual: Math.round(mem.rss / 1024 / 1024),
    },
    metrics: {
      cursor: {
        timedOut: e.cursors.timedOut,
        open: { total: e.cursors.open, noTimeout: 0, pinned: 0 },
        totalOpened: e.cursors.totalOpened,
      },
      ttl: { deletedDocuments: e.ttlDeleted },
      queryExecutor: { ...queryMetrics(e) },
    },
    storageEngine: { name: e.persistent ? 'embedded-journal' : 'embedded-memory', persistent: e.persistent },
    ok: 1,
  };
};

export const hostInfo: CommandHandler = () => ({
  system: {
    currentTime: new Date(),
    hostname: os.hostname(),
    numCores: os.cpus().length,
    memSizeMB: Math.round(os.totalmem() / 1024 / 1024),
  },
  os: { type: os.type(), name: os.platform(), version: os.release() },
  extra: {},
  ok: 1,
});

export const whatsmyuri: CommandHandler = (_cmd, ctx) => ({ you: ctx.remote, ok: 1 });

export const getCmdLineOpts: CommandHandler = (_cmd, ctx) => ({
  argv: ['embedded-mongo'],
  parsed: {
    net: { port: ctx.engine.port, bindIp: ctx.engine.bind },
    storage: { dbPath: ctx.engine.dbPath ?? '' },
  },
  ok: 1,
});

const PARAMETERS = ['ttlMonitorSleepSecs', 'cursorTimeoutMillis'] as const;

export const getParameter: CommandHandler = (cmd, ctx) => {
  const reply: Doc = {};
  const all =
    cmd.getParameter === '*' || (isPlainObject(cmd.getParameter) && cmd.getParameter.allParameters === true);
  for (const p of PARAMETERS) if (all || p in cmd) reply[p] = ctx.engine.params[p];
  if (Object.keys(reply).length === 0) throw badValue('no option found to get');
  reply.ok = 1;
  return reply;
};

export const setParameter: CommandHandler = (cmd, ctx) => {
  const reply: Doc = {};
  let found = false;
  for (const p of PARAMETERS) {
    if (!(p in cmd)) continue;
    const v = Number(cmd[p]);
    if (!Number.isFinite(v) || v <= 0) throw badValue(`Invalid value for parameter ${p}: ${String(cmd[p])}`);
    reply.was = ctx.engine.params[p];
    ctx.engine.params[p] = v;
    found = true;
  }
  if (!found) throw badValue('no option found to set, use help:true to see options');
  reply.ok = 1;
  return reply;
};

export const connectionStatus: CommandHandler = () => ({
  authInfo: { authenticatedUsers: [], authenticatedUserRoles: [] },
  ok: 1,
});

export const endSessions: CommandHandler = () => ({ ok: 1 });

export const refusedTransaction: CommandHandler = () => {
  throw new MongoCommandError(
    ErrorCodes.IllegalOperation,
    'Transaction numbers are only allowed on a replica set member or mongos',
  );
};

export const currentOp: CommandHandler = () => ({ inprog: [], ok: 1 });

export const fsync: CommandHandler = async (_cmd, ctx) => {
  await ctx.engine.flush();
  return { numFiles: 1, ok: 1 };
};

export const getLog: CommandHandler = (cmd) => {
  if (cmd.getLog === '*') return { names: ['global', 'startupWarnings'], ok: 1 };
  return { totalLinesWritten: 0, log: [], ok: 1 };
};

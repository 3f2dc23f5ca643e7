// Command dispatch: names matched case-insensitively, transactions refused as a standalone
// mongod refuses them, every failure turned into `{ ok: 0, errmsg, code, codeName }`.
import { budgetFor } from '../budget.ts';
import { asCommandError, ErrorCodes, MongoCommandError } from '../errors.ts';
import { fromBson } from '../numbers.ts';
import { validateDbName } from '../storage.ts';
import type { Doc } from '../values.ts';
import { acknowledgedInMemory } from '../write-concern.ts';
import * as admin from './admin.ts';
import { aggregate } from './aggregate.ts';
import type { CommandContext, CommandHandler } from './context.ts';
import * as crud from './crud.ts';
import * as indexes from './index-commands.ts';
import * as query from './query.ts';
import * as server from './server.ts';

const HANDLERS: Record<string, CommandHandler> = {
  hello: server.hello,
  ismaster: server.hello,
  ping: server.ping,
  buildinfo: server.buildInfo,
  serverstatus: server.serverStatus,
  hostinfo: server.hostInfo,
  whatsmyuri: server.whatsmyuri,
  getcmdlineopts: server.getCmdLineOpts,
  getparameter: server.getParameter,
  setparameter: server.setParameter,
  connectionstatus: server.connectionStatus,
  endsessions: server.endSessions,
  killsessions: server.endSessions,
  killallsessions: server.endSessions,
  refreshsessions: server.endSessions,
  committransaction: server.refusedTransaction,
  aborttransaction: server.refusedTransaction,
  currentop: server.currentOp,
  killop: server.ping,
  fsync: server.fsync,
  getlog: server.getLog,
  insert: crud.insert,
  update: crud.update,
  delete: crud.remove,
  findandmodify: crud.findAndModify,
  find: query.find,
  getmore: query.getMore,
  killcursors: query.killCursors,
  count: query.count,
  distinct: query.distinct,
  aggregate,
  create: admin.create,
  drop: admin.drop,
  dropdatabase: admin.dropDatabase,
  listcollections: admin.listCollections,
  listdatabases: admin.listDatabases,
  renamecollection: admin.renameCollection,
  createindexes: indexes.createIndexes,
  listindexes: indexes.listIndexes,
  dropindexes: indexes.dropIndexes,
  deleteindexes: indexes.dropIndexes,
  collmod: indexes.collMod,
  dbstats: admin.dbStats,
  collstats: admin.collStats,
  compact: admin.compact,
  backup: admin.backup,
};

const COMMAND_NAMES = Object.keys(HANDLERS);

export const listCommands: CommandHandler = () => ({
  commands: Object.fromEntries(COMMAND_NAMES.map((n) => [n, { help: '' }])),
  ok: 1,
});
HANDLERS.listcommands = listCommands;

/** Counted as opcounters.command rather than as query/insert/update/delete/getmore. */
const COUNTED_ELSEWHERE = new Set([
  'insert',
  'update',
  'delete',
  'find',
  'getmore',
  'count',
  'distinct',
  'aggregate',
  'findandmodify',
]);

export async function runCommand(cmd: Doc, ctx: CommandContext): Promise<Doc> {
  const name = Object.keys(cmd)[0];
  let handler: CommandHandler;
  try {
    if (!name) throw new MongoCommandError(ErrorCodes.FailedToParse, 'Empty command');
    const key = name.toLowerCase();
    // Own properties only: `constructor` or `__proto__` must not reach Object.prototype.
    const found = Object.hasOwn(HANDLERS, key) ? HANDLERS[key] : undefined;
    if (!found) {
      throw new MongoCommandError(ErrorCodes.CommandNotFound, `no such command: '${name}'`);
    }
    handler = found;
    if (!COUNTED_ELSEWHERE.has(key)) ctx.engine.counters.command++;
    if (cmd.startTransaction === true || cmd.autocommit === false) {
      throw new MongoCommandError(
        ErrorCodes.IllegalOperation,
        'Transaction numbers are only allowed on a replica set member or mongos',
      );
    }
    validateDbName(ctx.db);
  } catch (err) {
    return asCommandError(err).toReply();
  }
  const engine = ctx.engine;
  const before = engine.store.changes;
  const ticket = engine.beginWrite();
  let reply: Doc;
  try {
    reply = await handler(fromBson(cmd), { ...ctx, budget: budgetFor(cmd.maxTimeMS) });
  } catch (err) {
    reply = asCommandError(err).toReply();
  }
  // A write is acknowledged only once it is durable. Even a failed command may have written
  // (an ordered insert stops midway): if the journal could not keep its changes they were
  // taken back, and the client hears that instead of what the command did. Only a write that
  // asked for no journal (`j: false`, `w: 0`: write-concern.ts) is answered before its fsync.
  if (engine.store.changes !== before) {
    try {
      await (acknowledgedInMemory(cmd.writeConcern) ? engine.commitInMemory(ticket) : engine.commit(ticket));
    } catch (err) {
      return asCommandError(err).toReply();
    }
  }
  return reply;
}

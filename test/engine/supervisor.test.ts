// Engine only: the supervisor that keeps `npm start`'s engine running. The engine processes
// are stand-ins here (the app-level fault suite kills real ones): each can be made to exit,
// and starting one can be made to fail, to see what the supervisor does about it.
import assert from 'node:assert/strict';
import type { EmbeddedMongo, EmbeddedMongoOptions } from '../../src/embedded-mongo/index.ts';
import { type SupervisorEvent, superviseEmbeddedMongo } from '../../src/embedded-mongo/supervisor.ts';
import { usingEmbeddedEngine, waitFor } from './support.ts';

/** Engines that start (or refuse to) as told, and exit when told. */
function standIns() {
  const started: EmbeddedMongoOptions[] = [];
  const exits: (() => void)[] = [];
  let refusals = 0;
  let nextPid = 100;
  return {
    started,
    exit: (n: number) => exits[n]!(),
    refuseNext: (n: number) => {
      refusals = n;
    },
    spawn: async (opts: EmbeddedMongoOptions): Promise<EmbeddedMongo> => {
      if (refusals > 0) {
        refusals--;
        throw new Error('data directory refused');
      }
      started.push(opts);
      let exit!: () => void;
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
        exit = () => resolve({ code: null, signal: 'SIGKILL' });
      });
      exits.push(exit);
      const port = opts.port || 40_001;
      return { uri: `mongodb://127.0.0.1:${port}/`, port, pid: nextPid++, exited, stop: async () => exit() };
    },
  };
}

describe('engine: supervision of the spawned engine', () => {
  before(function () {
    if (!usingEmbeddedEngine()) this.skip();
  });

  it('restarts an engine that exits with the same options, on the port it first got', async () => {
    const engines = standIns();
    const events: SupervisorEvent[] = [];
    const logger = () => undefined;
    const db = await superviseEmbeddedMongo(
      { port: 0, dbPath: '/data/db', logger },
      { spawn: engines.spawn, minDelayMs: 1 },
    );
    db.onEvent((e) => events.push(e));
    assert.equal(db.running(), true);
    assert.equal(db.pid(), 100);

    engines.exit(0);
    await waitFor(() => events.some((e) => e.type === 'restarted'), 5_000, 'the restart');
    assert.equal(db.running(), true);
    assert.equal(db.pid(), 101);
    assert.deepEqual(engines.started[1], { port: 40_001, dbPath: '/data/db', logger });
    assert.deepEqual(
      events.map((e) => e.type),
      ['exited', 'restarted'],
    );
    await db.stop();
  });

  it('backs off, doubling, while restarts fail, and says so each time', async () => {
    const engines = standIns();
    const events: SupervisorEvent[] = [];
    const db = await superviseEmbeddedMongo(
      { port: 27_999 },
      { spawn: engines.spawn, minDelayMs: 2, maxDelayMs: 8 },
    );
    db.onEvent((e) => events.push(e));
    engines.refuseNext(4);
    engines.exit(0);
    await waitFor(() => events.some((e) => e.type === 'restarted'), 5_000, 'the restart');
    assert.equal(db.running(), true);
    assert.deepEqual(
      events.map((e) =>
        e.type === 'exited' ? e.restartInMs : e.type === 'restart_failed' ? e.retryInMs : 0,
      ),
      [2, 4, 8, 8, 8, 0],
      'waits 2, then 4, then 8 ms (the ceiling) between attempts',
    );
    assert.equal(engines.started.at(-1)!.port, 27_999);
    await db.stop();
  });

  it('does not restart an engine stopped on purpose', async () => {
    const engines = standIns();
    const events: SupervisorEvent[] = [];
    const db = await superviseEmbeddedMongo({ port: 0 }, { spawn: engines.spawn, minDelayMs: 1 });
    db.onEvent((e) => events.push(e));
    await db.stop();
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(events, []);
    assert.equal(db.running(), false);
    assert.equal(engines.started.length, 1);
  });
});

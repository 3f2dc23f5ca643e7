// Library: Agenda 6 with @agendajs/mongo-backend against the test server.
import assert from 'node:assert/strict';
import { MongoBackend } from '@agendajs/mongo-backend';
import { Agenda } from 'agenda';
import { openTestDb, type TestDb, waitFor } from './support.ts';

describe('engine: Agenda 6', function () {
  this.timeout(30_000);
  let t: TestDb;
  const agendas: Agenda[] = [];

  const makeAgenda = async (name: string, collection: string) => {
    const agenda = new Agenda({
      backend: new MongoBackend({ mongo: t.db, collection }),
      name,
      processEvery: 100,
      defaultLockLifetime: 10_000,
    });
    agendas.push(agenda);
    return agenda;
  };

  before(async () => {
    t = await openTestDb('agenda');
  });
  afterEach(async () => {
    await Promise.all(agendas.splice(0).map((a) => a.stop()));
  });
  after(async () => {
    await t.close();
  });

  it('runs a job scheduled "in 1 second" exactly once', async () => {
    const agenda = await makeAgenda('solo', 'jobs_once');
    const runs: number[] = [];
    agenda.define('remind', async () => {
      runs.push(Date.now());
    });
    await agenda.start();
    const scheduledAt = Date.now();
    await agenda.schedule('in 1 second', 'remind', { to: 'a@example.org' });
    await waitFor(() => runs.length === 1, 10_000, 'the job to run');
    assert.ok(runs[0]! >= scheduledAt + 900, 'ran no earlier than scheduled');
    // Several more polling rounds: still once.
    await new Promise((r) => setTimeout(r, 800));
    assert.equal(runs.length, 1);
    const [job] = await t.db.collection('jobs_once').find({ name: 'remind' }).toArray();
    assert.ok(job?.lastFinishedAt instanceof Date);
  });

  it('repeats a job with every()', async () => {
    const agenda = await makeAgenda('repeater', 'jobs_every');
    let runs = 0;
    agenda.define('tick', async () => {
      runs++;
    });
    await agenda.start();
    await agenda.every('1 second', 'tick');
    await waitFor(() => runs >= 2, 15_000, 'two runs');
    assert.equal(await t.db.collection('jobs_every').countDocuments({ name: 'tick' }), 1);
  });

  it('cancels a scheduled job', async () => {
    const agenda = await makeAgenda('canceller', 'jobs_cancel');
    let runs = 0;
    agenda.define('never', async () => {
      runs++;
    });
    await agenda.start();
    await agenda.schedule('in 1 second', 'never', {});
    assert.equal(await agenda.cancel({ name: 'never' }), 1);
    assert.equal(await t.db.collection('jobs_cancel').countDocuments({ name: 'never' }), 0);
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(runs, 0);
  });

  it('never runs one job twice across two Agenda instances', async () => {
    const a = await makeAgenda('worker-a', 'jobs_shared');
    const b = await makeAgenda('worker-b', 'jobs_shared');
    const runs = new Map<string, string[]>();
    for (const [agenda, who] of [
      [a, 'a'],
      [b, 'b'],
    ] as const) {
      agenda.define('send', async (job) => {
        const id = String(job.attrs.data.n);
        runs.set(id, [...(runs.get(id) ?? []), who]);
        await new Promise((r) => setTimeout(r, 20));
      });
    }
    await Promise.all([a.start(), b.start()]);
    const when = new Date(Date.now() + 500);
    await Promise.all(Array.from({ length: 20 }, (_, n) => a.schedule(when, 'send', { n })));
    await waitFor(() => runs.size === 20, 20_000, 'all jobs to run');
    await new Promise((r) => setTimeout(r, 500));
    for (const [id, who] of runs)
      assert.equal(who.length, 1, `job ${id} ran ${who.length} times (${who.join(', ')})`);
  });
});

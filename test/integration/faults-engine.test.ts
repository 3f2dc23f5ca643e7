// The app as `npm start` runs it (its own embedded engine on DATA_DIR, supervised) while the
// engine process is killed (SIGKILL) in the middle of a booking rush: the engine is started
// again on the same port, /readyz says so throughout, the same app instance books again
// without a restart, and every booking it acknowledged is there — before and after.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  acknowledged,
  assertHonestAnswers,
  assertPromiseKept,
  book,
  createPeakDay,
  enginePidIn,
  printAppOutputOnFailure,
  until,
  withDataDir,
} from '../helpers/faults.ts';
import { couple } from '../helpers/ids.ts';
import { type AppProcess, startAppProcess } from '../helpers/server.ts';

const DB = 'engine_crash';

describe('faults: the engine is killed during a booking rush, under the running app', function () {
  this.timeout(180_000);
  let dataDir: string;
  let app: AppProcess | undefined;
  const started: AppProcess[] = [];
  printAppOutputOnFailure(() => started.map((a) => a.output()));

  before(function () {
    // The app runs its own engine here; a real MongoDB is not killed by this suite.
    if (process.env.TEST_MONGODB_URI) this.skip();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'engine-crash-'));
  });
  after(async () => {
    await app?.kill('SIGKILL');
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const start = async () => {
    const one = await startAppProcess({ dbName: DB, env: { DATA_DIR: dataDir, LOG_LEVEL: 'info' } });
    started.push(one);
    return one;
  };

  it('restarts the engine on the same port; service resumes and every acknowledged booking is kept', async () => {
    const day = await withDataDir(dataDir, DB, () => createPeakDay(60));
    app = await start();
    const url = app.url;
    const firstPid = enginePidIn(app.output());
    assert.ok(firstPid, `the app names its engine's process:\n${app.output()}`);

    // 160 couples for 120 places; the engine dies once the first answers are out.
    let answered = 0;
    const rush = Array.from({ length: 160 }, (_, i) =>
      book(url, day, i % 2 ? '09:00' : '09:30', couple()).then((a) => {
        answered++;
        return a;
      }),
    );
    await until('the first answers', async () => (answered >= 10 ? true : undefined));
    process.kill(firstPid, 'SIGKILL');
    // Readiness tells the truth at once: the engine is down until its restart is ready.
    await until('/readyz to say unavailable', async () =>
      (await fetch(`${url}/readyz`)).status === 503 ? true : undefined,
    );
    const answers = await Promise.all(rush);
    assertHonestAnswers(answers, 'during the rush');
    assert.ok(acknowledged(answers).length > 0, 'bookings were acknowledged before the kill');

    // The supervisor restarts the engine and the driver finds it again by itself; on a busy
    // machine the replay of the journal and the driver's next heartbeat can take most of a minute.
    await until(
      '/readyz to say ready again',
      async () => ((await fetch(`${url}/readyz`)).status === 200 ? true : undefined),
      90_000,
    );
    const secondPid = enginePidIn(app.output());
    assert.ok(secondPid && secondPid !== firstPid, 'a new engine process serves');
    assert.match(app.output(), /embedded engine exited; restarting it/);
    assert.match(app.output(), /embedded engine restarted/);

    // The same app instance books again.
    const more = await Promise.all(Array.from({ length: 10 }, () => book(url, day, '09:00', couple())));
    assertHonestAnswers(more, 'after the restart');
    const kept = [...acknowledged(answers), ...acknowledged(more)];
    assert.ok(
      more.every((a) => a.status === 201 || a.status === 409),
      `service resumed: ${more.map((a) => a.status)}`,
    );

    // Stopped and started again, the app reconciles before it books; then the promise is checked.
    await app.kill('SIGTERM');
    app = await start();
    await app.kill('SIGTERM');
    app = undefined;
    await withDataDir(dataDir, DB, () => assertPromiseKept(kept));
  });
});

// The app as `npm start` runs it (its own embedded engine on DATA_DIR, supervised) while the
// engine process is killed (SIGKILL) in the middle of a booking rush: the engine is started
// again on the same port, /readyz says so throughout, the same app instance books again
// without a restart, and every booking it acknowledged is there — before and after.
import assert from 'node:assert/strict';
import {
  acknowledged,
  appOnItsOwnEngine,
  assertHonestAnswers,
  assertPromiseKept,
  book,
  createPeakDay,
  engineAnswers,
  enginePidIn,
  until,
  withDataDir,
} from '../helpers/faults.ts';
import { couple } from '../helpers/ids.ts';

const DB = 'engine_crash';

describe('faults: the engine is killed during a booking rush, under the running app', function () {
  this.timeout(180_000);
  const fixture = appOnItsOwnEngine(DB);

  it('restarts the engine on the same port; service resumes and every acknowledged booking is kept', async () => {
    const day = await withDataDir(fixture.dataDir, DB, () => createPeakDay(60));
    let app = await fixture.start();
    const url = app.url;
    const firstPid = enginePidIn(app.output());
    assert.ok(firstPid, `the app names its engine's process:\n${app.output()}`);

    // 160 couples for 120 places; the engine dies once the first bookings are acknowledged.
    // (Not at the first answers: "full" answers come first, from the counters, while the
    // bookings that took the places are still being written.)
    let booked = 0;
    const rush = Array.from({ length: 160 }, (_, i) =>
      book(url, day, i % 2 ? '09:00' : '09:30', couple()).then((a) => {
        if (a.status === 201) booked++;
        return a;
      }),
    );
    await until('the first acknowledged bookings', async () => (booked >= 1 ? true : undefined));
    process.kill(firstPid, 'SIGKILL');
    // Readiness tells the truth at once: the engine is down until its restart is ready.
    await until('/readyz to say unavailable', async () =>
      (await fetch(`${url}/readyz`)).status === 503 ? true : undefined,
    );
    const answers = await Promise.all(rush);
    assertHonestAnswers(answers, 'during the rush');
    const statuses = answers
      .map((a) => `${a.status}${a.body.error?.code ? `:${a.body.error.code}` : ''}`)
      .join(' ');
    assert.ok(acknowledged(answers).length > 0, `bookings were acknowledged before the kill: ${statuses}`);

    // The supervisor restarts the engine and the driver finds it again by itself; on a busy
    // machine the replay of the journal and the driver's next heartbeat can take most of a minute.
    let lastReadiness = '';
    await until(
      '/readyz to say ready again',
      async () => {
        const res = await fetch(`${url}/readyz`);
        lastReadiness = `${res.status} ${await res.text()}`;
        return res.status === 200 ? true : undefined;
      },
      90_000,
    ).catch(async (err: Error) => {
      throw new Error(
        `${err.message}: /readyz said ${lastReadiness}; ${await engineAnswers(fixture.dataDir)}`,
      );
    });
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
    app = await fixture.start();
    await app.kill('SIGTERM');
    fixture.app = undefined;
    await withDataDir(fixture.dataDir, DB, () => assertPromiseKept(kept));
  });
});

// Loaded into the app's processes (through NODE_OPTIONS) when the benchmark runs with
// BENCH_PROFILE: each SIGUSR2 starts or stops V8's CPU profiler, and a stop writes
// <BENCH_PROFILE_HOOK_DIR>/<pid>-<n>.cpuprofile (whole, by a rename). So every scenario gets a
// profile of its own, of the app and of the engine's child process, which `--cpu-prof` (one
// profile from start to exit, and refused in NODE_OPTIONS) cannot give.
import { renameSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import path from 'node:path';

const dir = process.env.BENCH_PROFILE_HOOK_DIR;
if (dir) {
  // Connected at the first signal, not on import: a session connected while the module
  // loader (tsx's hooks, on their own thread) is still loading the app hangs its start.
  let session: Session | undefined;
  let running = false;
  let written = 0;
  // The main thread's inspector session answers synchronously, so the profile is on disk
  // when the handler returns.
  process.on('SIGUSR2', () => {
    if (!session) {
      session = new Session();
      session.connect();
      session.post('Profiler.enable');
    }
    if (!running) {
      session.post('Profiler.start');
      running = true;
      return;
    }
    running = false;
    session.post('Profiler.stop', (err, result) => {
      if (err) return;
      written += 1;
      const file = path.join(dir, `${process.pid}-${written}.cpuprofile`);
      writeFileSync(`${file}.tmp`, JSON.stringify(result.profile));
      renameSync(`${file}.tmp`, file);
    });
  });
}

// BENCH_PROFILE=<dir>: a CPU profile of the app, and of its engine's child process, for each
// scenario, started and stopped by SIGUSR2 (bench/profile-hook.ts runs in those processes) and
// saved as <dir>/<scenario>.app.cpuprofile and <dir>/<scenario>.engine.cpuprofile, to open in
// Chrome's DevTools or summarise with bench/profile-summary.ts.
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import path from 'node:path';
import type { BenchApp } from './app-process.ts';
import { printSummary } from './profile-summary.ts';

export class ScenarioProfiler {
  private readonly stopped = new Map<number, number>();

  constructor(
    private readonly app: BenchApp,
    private readonly dir: string,
  ) {
    mkdirSync(dir, { recursive: true });
  }

  private processes(): [string, number][] {
    const list: [string, number][] = [['app', this.app.pid]];
    if (this.app.enginePid !== undefined) list.push(['engine', this.app.enginePid]);
    return list;
  }

  start(): void {
    for (const [, pid] of this.processes()) process.kill(pid, 'SIGUSR2');
  }

  /** Stops the profiles and names them after the scenario; `print()` then says where the time went. */
  async stop(scenario: string): Promise<{ print(): void }> {
    const files: [string, string][] = [];
    for (const [role, pid] of this.processes()) {
      const n = (this.stopped.get(pid) ?? 0) + 1;
      this.stopped.set(pid, n);
      process.kill(pid, 'SIGUSR2');
      const written = path.join(this.dir, `${pid}-${n}.cpuprofile`);
      for (let waited = 0; !existsSync(written) && waited < 30_000; waited += 100)
        await new Promise((resolve) => setTimeout(resolve, 100));
      if (!existsSync(written)) {
        console.log(`  (no ${role} profile was written for ${scenario})`);
        continue;
      }
      const file = path.join(this.dir, `${scenario}.${role}.cpuprofile`);
      renameSync(written, file);
      files.push([role, file]);
    }
    return {
      print: () => {
        for (const [role, file] of files) printSummary(`${role} profile`, file);
      },
    };
  }
}

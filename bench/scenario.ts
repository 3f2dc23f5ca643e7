// What every scenario of `npm run bench` is given.
import type { BenchApp } from './app-process.ts';

export interface ScenarioContext {
  app: BenchApp;
  /** BENCH_CLIENTS: concurrent clients (connections). */
  clients: number;
  /** BENCH_SECONDS: how long a timed phase runs. */
  durationMs: number;
  /** BENCH_COUPLES: couples of an opening minute (ten times its places). */
  couples: number;
  /** How long an opening minute may take at most before its couples are left unserved. */
  openingCapMs: number;
  /** How long the "full" answers alone are measured. */
  fullPhaseMs: number;
  /**
   * Marks the start of a part of the scenario measured apart (the "full" answers alone): with
   * BENCH_PROFILE, its profiles are saved apart too, as <scenario>-<part>.
   */
  part(name: string): Promise<void>;
}

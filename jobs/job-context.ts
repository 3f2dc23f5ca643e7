// What every job handler receives: the application's services (through the container), the
// scheduler to queue follow-up jobs, and the job settings.
import type { Logger } from 'pino';
import type { Container } from '../src/container.ts';
import type { JobScheduler } from './scheduler.ts';
import type { JobSettings } from './settings.ts';

export interface JobContext {
  container: Container;
  scheduler: JobScheduler;
  settings: JobSettings;
  logger: Logger;
  /** Keeps a long job's lock alive (Agenda's touch); a no-op outside Agenda. */
  touch?: () => Promise<void>;
}

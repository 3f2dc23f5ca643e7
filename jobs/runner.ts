// Placeholder runner until the job system lands: nothing is scheduled.
import type { Container } from '../src/container.ts';

export interface JobRunner {
  healthy(): boolean;
  stop(): Promise<void>;
}

export async function startJobRunner(_container: Container): Promise<JobRunner | undefined> {
  return undefined;
}

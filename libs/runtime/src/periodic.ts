// Background work on a fixed cadence (the dispatcher's sweeper): one pass at a time, a failed pass
// logged and the next one tried, and a stop that waits for the pass in flight.
import { errorFields, type Logger } from '@hookway/logger';

export interface Periodic {
  stop(): Promise<void>;
}

export function repeatEvery(intervalMs: number, work: () => Promise<unknown>, logger: Logger, what: string): Periodic {
  let stopped = false;
  let running: Promise<unknown> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  const schedule = (): void => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = work()
        .catch((error: unknown) => logger.warn(`${what} failed; the next pass tries again`, errorFields(error)))
        .finally(schedule);
    }, intervalMs);
    timer.unref();
  };
  schedule();
  return {
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}

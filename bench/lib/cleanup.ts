// Everything the run creates registers how to undo it here; the steps run in reverse order exactly once,
// whether the run finished, failed, was interrupted (SIGINT/SIGTERM) or hit the watchdog. A step that
// fails or hangs is reported and skipped so the ones after it still run.

interface Step {
  name: string;
  undo: () => Promise<void>;
}

const STEP_LIMIT_MS = 20_000;

export class Cleanup {
  private readonly steps: Step[] = [];
  private running?: Promise<void>;

  add(name: string, undo: () => Promise<void>): void {
    this.steps.push({ name, undo });
  }

  runAll(): Promise<void> {
    this.running ??= this.unwind();
    return this.running;
  }

  private async unwind(): Promise<void> {
    while (this.steps.length > 0) {
      const step = this.steps.pop();
      if (!step) break;
      let timer: NodeJS.Timeout | undefined;
      const limit = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`did not finish within ${STEP_LIMIT_MS / 1000} s`)), STEP_LIMIT_MS);
      });
      try {
        await Promise.race([step.undo(), limit]);
      } catch (error) {
        process.stderr.write(`cleanup: ${step.name} failed: ${error instanceof Error ? error.message : String(error)}\n`);
      } finally {
        clearTimeout(timer);
      }
    }
  }
}

/**
 * Aborts the run on SIGINT/SIGTERM or when the watchdog fires, and cleans up before exiting on a crash. The caller's finally block does the clean-up;
 * if it has not finished 60 s after the abort, the clean-up runs here and the process exits.
 */
export function abortOnSignalsAndWatchdog(cleanup: Cleanup, watchdogMs: number): AbortController {
  const controller = new AbortController();
  const abort = (reason: string): void => {
    if (controller.signal.aborted) return;
    process.stderr.write(`\nbench: aborting (${reason}); cleaning up\n`);
    controller.abort(new Error(reason));
    setTimeout(() => {
      void cleanup.runAll().finally(() => process.exit(1));
    }, 60_000).unref();
  };
  // Something thrown outside the run's own promise chain (an 'error' event nobody listens to) ends the
  // run, but not before the clean-up.
  const crash = (error: unknown): void => {
    process.stderr.write(`\nbench: crashed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\ncleaning up\n`);
    controller.abort(new Error('crashed'));
    void cleanup.runAll().finally(() => process.exit(1));
  };
  process.on('uncaughtException', crash);
  process.on('unhandledRejection', crash);
  process.on('SIGINT', () => abort('SIGINT'));
  process.on('SIGTERM', () => abort('SIGTERM'));
  setTimeout(() => abort(`watchdog: the run took longer than ${Math.round(watchdogMs / 1000)} s`), watchdogMs).unref();
  return controller;
}

// What a composition root has opened, and how to close it: each resource's stop is added as soon as the
// resource exists, and they run newest first, so a service stops in the reverse of the order it started in,
// and a start that fails part way closes whatever it had opened before the error goes on.
import { errorFields, type Logger } from '@hookway/logger';

/** Closes, drains or ends one resource; it may finish at once or later. */
export type Stop = () => void | Promise<void>;

export class Resources {
  private readonly stops: Array<{ name: string; stop?: Stop }> = [];
  private stopping?: Promise<void>;

  constructor(private readonly logger: Logger) {}

  /** Registers the stop of what was just opened: it runs before the stop of everything added earlier. */
  add(name: string, stop: Stop): void {
    if (this.stopping) throw new Error(`cannot add ${name}: the resources are already stopping`);
    this.stops.push({ name, stop });
  }

  /**
   * Keeps a place in the order for a resource opened later that must stop at this point (the ops server,
   * which opens once what it reports on is connected but closes last). Give the returned function the stop
   * once the resource is open; until then the place stops nothing.
   */
  reserve(name: string): (stop: Stop) => void {
    if (this.stopping) throw new Error(`cannot reserve ${name}: the resources are already stopping`);
    const entry: { name: string; stop?: Stop } = { name };
    this.stops.push(entry);
    return (stop) => {
      if (entry.stop) throw new Error(`the stop of ${name} is already given`);
      entry.stop = stop;
    };
  }

  /**
   * Runs every stop, last added first, each once. One that fails is logged and the rest still run; the
   * promise then rejects with that failure (several: an AggregateError of them). A second call runs nothing
   * again: it returns the first call's promise.
   */
  stopAll(): Promise<void> {
    this.stopping ??= this.runAll();
    return this.stopping;
  }

  private async runAll(): Promise<void> {
    const failures: unknown[] = [];
    for (let entry = this.stops.pop(); entry; entry = this.stops.pop()) {
      try {
        await entry.stop?.();
      } catch (error) {
        failures.push(error);
        this.logger.error(`could not stop ${entry.name}`, errorFields(error));
      }
    }
    if (failures.length === 1) throw failures[0];
    if (failures.length > 1) throw new AggregateError(failures, `${failures.length} resources did not stop cleanly`);
  }
}

/**
 * Starts a service with `build`, which adds each resource's stop to `resources` as it opens it. Resolves to
 * what `build` returns plus `stop()` (every stop, in reverse). When `build` throws, what it had opened is
 * stopped first (a stop that fails there is logged), then its error is thrown: a failed start leaks nothing.
 */
export async function startWith<T extends object>(
  logger: Logger,
  build: (resources: Resources) => Promise<T>,
): Promise<T & { stop(): Promise<void> }> {
  const resources = new Resources(logger);
  let built: T;
  try {
    built = await build(resources);
  } catch (error) {
    await resources.stopAll().catch(() => undefined);
    throw error;
  }
  return { ...built, stop: () => resources.stopAll() };
}

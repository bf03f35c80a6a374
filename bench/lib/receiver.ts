// Harness side of the receiver process: its URL, and the first-arrival time of every webhook-id so far.
import type { Cleanup } from './cleanup.js';
import { startHelper, type HelperProcess } from './child.js';
import type { ReceiverReply, ReceiverRequest } from './receiver-process.js';

export class Receiver {
  /** webhook-id → first arrival (ms, `now()` clock). */
  readonly arrivals = new Map<string, number>();
  /** Every request received, redeliveries included. */
  total = 0;
  withoutId = 0;
  private nextRequestId = 1;

  private constructor(private readonly helper: HelperProcess) {}

  static async start(cleanup: Cleanup): Promise<Receiver> {
    return new Receiver(await startHelper('./receiver-process.ts', cleanup));
  }

  get pid(): number | undefined {
    return this.helper.child.pid;
  }

  get url(): string {
    return `http://127.0.0.1:${this.helper.port}`;
  }

  /** Pulls the arrivals recorded since the last call. */
  async refresh(): Promise<void> {
    const requestId = this.nextRequestId++;
    const { child } = this.helper;
    const reply = await new Promise<Extract<ReceiverReply, { type: 'arrivals' }>>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.off('message', onMessage);
        reject(new Error('the receiver did not answer within 10 s'));
      }, 10_000);
      const onMessage = (message: ReceiverReply): void => {
        if (message.type !== 'arrivals' || message.requestId !== requestId) return;
        clearTimeout(timer);
        child.off('message', onMessage);
        resolve(message);
      };
      child.on('message', onMessage);
      const request: ReceiverRequest = { type: 'arrivals', requestId, from: this.arrivals.size };
      child.send(request);
    });
    for (const [id, at] of reply.arrivals) this.arrivals.set(id, at);
    this.total = reply.total;
    this.withoutId = reply.withoutId;
  }

  /** How many of these ids have arrived at least once. */
  countArrived(ids: Iterable<string>): number {
    let count = 0;
    for (const id of ids) if (this.arrivals.has(id)) count += 1;
    return count;
  }
}

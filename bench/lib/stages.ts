// Where a first delivery's time goes: the path from the webhook's arrival to the recorded answer, cut at
// the marks the pipeline leaves behind. The services' rows carry PostgreSQL's now() (a transaction's start)
// and the receiver stamps arrivals; all on this machine's one wall clock, so they can be subtracted.
import type { Knex } from '@hookway/db';
import { distribution, type Distribution } from './stats.js';

/** Each stage's duration over the events that have all the marks (first dispatch, first attempt). */
export interface StageBreakdown {
  events: number;
  /** The 202 reached the client → the fan-out transaction that made the event's job began. */
  acceptedToFanOut: Distribution;
  /** The ingress transaction that stored the event began → the fan-out transaction began. */
  storedToFanOut: Distribution;
  /** Fan-out began → the dispatcher started the request (the answer's record less the request's duration). */
  fanOutToSent: Distribution;
  /** The request started → it reached the receiver. */
  sentToArrival: Distribution;
  /** The request reached the receiver → the transaction recording its answer began. */
  arrivalToRecorded: Distribution;
}

interface Marks {
  id: string;
  stored: number;
  fanned: number;
  recorded: number;
  durationMs: number;
}

const BATCH = 1_000;

export async function stageBreakdown(
  db: Knex, accepted: ReadonlyMap<string, number>, arrivals: ReadonlyMap<string, number>,
): Promise<StageBreakdown> {
  const ids = [...accepted.keys()].filter((id) => arrivals.has(id));
  const marks: Marks[] = [];
  for (let start = 0; start < ids.length; start += BATCH) {
    const rows = await db.raw<{ rows: Marks[] }>(`
      SELECT e.id,
             extract(epoch FROM e.received_at) * 1000 AS stored,
             extract(epoch FROM j.created_at) * 1000 AS fanned,
             extract(epoch FROM a.created_at) * 1000 AS recorded,
             a.latency_ms AS "durationMs"
        FROM events e
        JOIN delivery_jobs j ON j.event_id = e.id AND j.replay_request_id IS NULL
        JOIN delivery_attempts a ON a.job_id = j.id AND a.attempt_number = 1
       WHERE e.id = ANY(?::uuid[])`, [ids.slice(start, start + BATCH)]);
    marks.push(...rows.rows);
  }
  const stage = (of: (mark: Marks, arrival: number, acceptedAt: number) => number): Distribution =>
    distribution(marks.map((mark) => of(mark, arrivals.get(mark.id)!, accepted.get(mark.id)!)));
  const sent = (mark: Marks): number => Number(mark.recorded) - Number(mark.durationMs);
  return {
    events: marks.length,
    acceptedToFanOut: stage((mark, _arrival, acceptedAt) => Number(mark.fanned) - acceptedAt),
    storedToFanOut: stage((mark) => Number(mark.fanned) - Number(mark.stored)),
    fanOutToSent: stage((mark) => sent(mark) - Number(mark.fanned)),
    sentToArrival: stage((mark, arrival) => arrival - sent(mark)),
    arrivalToRecorded: stage((mark, arrival) => Number(mark.recorded) - arrival),
  };
}

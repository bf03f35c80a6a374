// The subscriber endpoint of the benchmark integration, in its own process as a real subscriber would be:
// answers 200 at once and records, per webhook-id, when the first delivery arrived (and how many arrived
// in all, so redeliveries show). The harness pulls new arrivals over IPC; exits when the harness goes away.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { now } from './time.js';

export type ReceiverRequest = { type: 'arrivals'; requestId: number; from: number };
export type ReceiverReply =
  | { type: 'ready'; port: number }
  | { type: 'arrivals'; requestId: number; total: number; withoutId: number; arrivals: [string, number][] };

const seen = new Set<string>();
const firstArrivals: [string, number][] = [];
let total = 0;
let withoutId = 0;

const server = createServer((req, res) => {
  const id = req.headers['webhook-id'];
  req.resume();
  req.on('end', () => {
    const at = now();
    total += 1;
    if (typeof id !== 'string') withoutId += 1;
    else if (!seen.has(id)) {
      seen.add(id);
      firstArrivals.push([id, at]);
    }
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('ok');
  });
});
server.keepAliveTimeout = 65_000;

function send(message: ReceiverReply): void {
  process.send?.(message);
}

process.on('message', (message: ReceiverRequest) => {
  if (message.type === 'arrivals') {
    send({ type: 'arrivals', requestId: message.requestId, total, withoutId, arrivals: firstArrivals.slice(message.from) });
  }
});
process.on('disconnect', () => process.exit(0));
server.listen(0, '127.0.0.1', () => send({ type: 'ready', port: (server.address() as AddressInfo).port }));

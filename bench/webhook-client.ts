// Micro-benchmark of what one outbound webhook costs the dispatcher's process: buildWebhookRequest (body
// and Standard Webhooks signature) plus WebhookClient.send over keep-alive agents, as in the dispatcher.
// The receiver runs in a child process on 127.0.0.1, so the CPU figures are the client's alone.
//   npx tsx --conditions=development bench/webhook-client.ts [--requests 20000] [--runs 5] [--concurrency 32]
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { generateSigningSecret } from '@hookway/signing';
import { buildWebhookRequest, SsrfGuard, WebhookClient, type OutboundEvent } from '../libs/outbound/src/index.js';

const { values: args } = parseArgs({
  options: {
    requests: { type: 'string', default: '20000' },
    runs: { type: 'string', default: '5' },
    concurrency: { type: 'string', default: '32' },
    warmup: { type: 'string', default: '3000' },
  },
});
const REQUESTS = Number(args.requests);
const RUNS = Number(args.runs);
const CONCURRENCY = Number(args.concurrency);
const WARMUP = Number(args.warmup);
const WATCHDOG_MS = 10 * 60_000;

// Plain JS so the child needs no loader: reads each body, answers 200 "ok", exits when its stdin closes
// (the benchmark ended, however it ended).
const RECEIVER = `
import { createServer } from 'node:http';
const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    Buffer.concat(chunks);
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('ok');
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.stdout.write(JSON.stringify({ port: server.address().port }) + '\\n'));
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
`;

type Receiver = ChildProcessByStdio<Writable, Readable, null>;

async function startReceiver(): Promise<{ child: Receiver; port: number }> {
  // NODE_OPTIONS (e.g. --cpu-prof) is meant for the client only.
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  const child = spawn(process.execPath, ['--input-type=module', '-e', RECEIVER], { stdio: ['pipe', 'pipe', 'inherit'], env });
  const lines = createInterface({ input: child.stdout });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`receiver exited early (${code})`)));
    lines.once('line', (line) => resolve((JSON.parse(line) as { port: number }).port));
  });
  return { child, port };
}

const FILLER = 'lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ';

/** An event whose delivery body is about 1 KB. */
function benchEvent(): OutboundEvent {
  const id = randomUUID();
  return {
    id,
    type: 'order.created',
    provider: 'acme',
    occurredAt: new Date(),
    subject: `order/${id}`,
    data: {
      orderId: id,
      currency: 'EUR',
      total: 1999,
      customer: { id: 'cus_bench', email: 'bench@example.test', name: 'Bench Customer' },
      items: [{ sku: 'sku-1', quantity: 2, price: 500 }, { sku: 'sku-2', quantity: 1, price: 999 }],
      note: FILLER.repeat(8),
    },
  };
}

interface RunResult {
  requestsPerSecond: number;
  cpuMicrosPerRequest: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

async function main(): Promise<void> {
  const { child, port } = await startReceiver();
  const agents = { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) };
  const client = new WebhookClient({ timeoutMs: 10_000, agents, guard: new SsrfGuard(['127.0.0.0/8']) });
  const url = `http://127.0.0.1:${port}/hooks/bench`;
  const secrets = [generateSigningSecret()];
  const customHeaders = { 'x-tenant': 'bench' };
  const events = Array.from({ length: 1_000 }, benchEvent);

  const run = async (count: number): Promise<RunResult> => {
    let next = 0;
    let failures = 0;
    const worker = async (): Promise<void> => {
      while (next < count) {
        const event = events[next++ % events.length]!;
        const request = buildWebhookRequest({ event, secrets, customHeaders });
        const result = await client.send(url, request);
        if (result.kind !== 'response' || result.statusCode !== 200 || result.responseBody !== 'ok') failures += 1;
      }
    };
    const cpuBefore = process.cpuUsage();
    const startedAt = performance.now();
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const seconds = (performance.now() - startedAt) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    if (failures > 0) throw new Error(`${failures} of ${count} webhooks did not get 200 "ok"`);
    return { requestsPerSecond: count / seconds, cpuMicrosPerRequest: (cpu.user + cpu.system) / count };
  };

  try {
    await run(WARMUP);
    const results: RunResult[] = [];
    for (let i = 0; i < RUNS; i += 1) {
      const result = await run(REQUESTS);
      results.push(result);
      console.log(`run ${i + 1}: ${result.requestsPerSecond.toFixed(0)} req/s, ${result.cpuMicrosPerRequest.toFixed(1)} CPU µs/request`);
    }

    // Building and signing alone, without the network, to tell its share apart.
    const cpuBefore = process.cpuUsage();
    for (let i = 0; i < REQUESTS; i += 1) buildWebhookRequest({ event: events[i % events.length]!, secrets, customHeaders });
    const cpu = process.cpuUsage(cpuBefore);

    console.log(`median of ${RUNS} runs of ${REQUESTS} webhooks (concurrency ${CONCURRENCY}): `
      + `${median(results.map((r) => r.requestsPerSecond)).toFixed(0)} req/s, `
      + `${median(results.map((r) => r.cpuMicrosPerRequest)).toFixed(1)} CPU µs/request `
      + `(of which buildWebhookRequest alone ≈ ${((cpu.user + cpu.system) / REQUESTS).toFixed(1)} µs)`);
  } finally {
    agents.http.destroy();
    agents.https.destroy();
    child.stdin.end();
  }
}

const watchdog = setTimeout(() => {
  console.error(`benchmark still running after ${WATCHDOG_MS / 60_000} minutes; aborting`);
  process.exit(1);
}, WATCHDOG_MS);
watchdog.unref();

await main();

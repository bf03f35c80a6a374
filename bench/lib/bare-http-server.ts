// The machine's HTTP ceiling: a bare node:http server that reads and parses a JSON body and answers 202
// with a small JSON envelope, as ingress does, minus everything Hookway adds. Runs as its own process
// (like a service) and exits when the harness goes away.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const reply = JSON.stringify({ success: true, data: { eventId: '00000000-0000-0000-0000-000000000000', status: 'pending', duplicate: false } });

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    let status = 202;
    try {
      const parsed: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      if (typeof parsed !== 'object' || parsed === null) status = 400;
    } catch {
      status = 400;
    }
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(reply);
  });
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => {
  process.send?.({ type: 'ready', port: (server.address() as AddressInfo).port });
});
process.on('disconnect', () => process.exit(0));

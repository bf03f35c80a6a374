// Starts an express app on a port (0 in tests) and stops it: closes idle keep-alive sockets,
// lets in-flight requests finish.
import type { Express } from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RunningServer {
  server: Server;
  port: number;
  close(): Promise<void>;
}

export async function listen(app: Express, port: number, host = '0.0.0.0'): Promise<RunningServer> {
  const server = await new Promise<Server>((resolve, reject) => {
    const started = app.listen(port, host, (error?: Error) => (error ? reject(error) : resolve(started)));
  });
  server.keepAliveTimeout = 65_000;
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}

// A TCP proxy on 127.0.0.1:0 in front of a real server. Cutting it drops every connection through it,
// which a client sees exactly like a server restart, without disturbing anyone else's connections.
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface TcpProxy {
  port: number;
  /** Destroys every open connection; new ones are refused while `refuse` is true. */
  cut(options?: { refuse?: boolean }): void;
  /** Accepts connections again after a cut that refused them. */
  restore(): void;
  /** Stops passing the server's bytes on to the clients (a server that went silent), until the next cut. */
  hold(): void;
  /** Bytes the clients have sent through the proxy so far (to wait until a client has written something). */
  clientBytes(): number;
  /** Sends new connections to another port from now on (another replica behind the same address). */
  retarget(port: number): void;
  close(): Promise<void>;
}

export async function startTcpProxy(targetHost: string, targetPort: number): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  const upstreams = new Map<Socket, Socket>();
  let refusing = false;
  let port = targetPort;
  let fromClients = 0;
  const server: Server = createServer((client) => {
    if (refusing) {
      client.destroy();
      return;
    }
    const upstream = connect(port, targetHost);
    upstreams.set(upstream, client);
    upstream.on('close', () => upstreams.delete(upstream));
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.on('data', (chunk: Buffer) => {
      fromClients += chunk.length;
    });
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const cutAll = (): void => {
    for (const socket of sockets) socket.destroy();
  };
  return {
    port: (server.address() as AddressInfo).port,
    cut: ({ refuse = false } = {}) => {
      refusing = refuse;
      cutAll();
    },
    restore: () => {
      refusing = false;
    },
    hold: () => {
      for (const [upstream, client] of upstreams) {
        upstream.unpipe(client);
        upstream.pause();
      }
    },
    clientBytes: () => fromClients,
    retarget: (next) => {
      port = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        cutAll();
        server.close(() => resolve());
      }),
  };
}

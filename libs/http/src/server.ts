// Starts an express app on a port (0 in tests) and stops it: closes idle keep-alive sockets,
// lets in-flight requests finish.
import type { Express } from 'express';
import type { Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';

export interface RunningServer {
  server: Server;
  port: number;
  close(): Promise<void>;
}

// Requests Node's parser rejects (oversized or malformed headers, bad framing) never reach express:
// answer them in the same envelope instead of Node's bare status line, then close the connection.
const CLIENT_ERRORS: Record<string, [number, string, string]> = {
  HPE_HEADER_OVERFLOW: [431, 'Request Header Fields Too Large', 'HEADERS_TOO_LARGE'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'Request Timeout', 'REQUEST_TIMEOUT'],
};

function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (!socket.writable || error.code === 'ECONNRESET') {
    socket.destroy();
    return;
  }
  const [status, reason, code] = CLIENT_ERRORS[error.code ?? ''] ?? [400, 'Bad Request', 'BAD_REQUEST'];
  const body = JSON.stringify({ success: false, error: { code, message: reason.toLowerCase(), details: {} } });
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

export async function listen(app: Express, port: number, host = '0.0.0.0'): Promise<RunningServer> {
  const server = await new Promise<Server>((resolve, reject) => {
    const started = app.listen(port, host, (error?: Error) => (error ? reject(error) : resolve(started)));
  });
  server.keepAliveTimeout = 65_000;
  server.on('clientError', answerClientError);
  // Once closing, every response says Connection: close (those already under way too), and a connection
  // whose response finishes is closed as soon as it is idle: a keep-alive connection busy when close()
  // was called must not idle until keepAliveTimeout (65 s, longer than a pod's termination grace period).
  let closing = false;
  const underWay = new Set<ServerResponse>();
  server.on('request', (_request, response: ServerResponse) => {
    if (closing) response.setHeader('Connection', 'close');
    underWay.add(response);
    response.on('close', () => {
      underWay.delete(response);
      if (closing) setImmediate(() => server.closeIdleConnections());
    });
  });
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        closing = true;
        for (const response of underWay) if (!response.headersSent) response.setHeader('Connection', 'close');
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}

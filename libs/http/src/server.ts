// Starts an express app on a port (0 in tests) and stops it: closes idle keep-alive sockets,
// lets in-flight requests finish.
import type { Express } from 'express';
import { createServer, IncomingMessage, ServerResponse, type Server } from 'node:http';
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

interface MessageClasses {
  IncomingMessage: typeof IncomingMessage;
  ServerResponse: typeof ServerResponse;
}

const messageClasses = new WeakMap<Express, MessageClasses>();

/**
 * Request and response classes whose instances are born with the app's prototypes. Express re-parents
 * every request and response onto `app.request` and `app.response` (Object.setPrototypeOf), which V8
 * takes a slow path for: it more than doubled the CPU a small request costs. Re-parenting an object onto
 * the prototype it already has is a no-op, so express's behaviour is unchanged and the cost is gone.
 */
function messageClassesFor(app: Express): MessageClasses {
  const known = messageClasses.get(app);
  if (known) return known;
  class AppRequest extends IncomingMessage {}
  class AppResponse extends ServerResponse {}
  Object.setPrototypeOf(AppRequest.prototype, app.request);
  Object.setPrototypeOf(AppResponse.prototype, app.response);
  app.request = AppRequest.prototype as unknown as Express['request'];
  app.response = AppResponse.prototype as unknown as Express['response'];
  const classes = { IncomingMessage: AppRequest, ServerResponse: AppResponse as typeof ServerResponse };
  messageClasses.set(app, classes);
  return classes;
}

export async function listen(app: Express, port: number, host = '0.0.0.0'): Promise<RunningServer> {
  const server = createServer(messageClassesFor(app), app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
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

// A Server-Sent Events reader over fetch, so the credential travels as a header (EventSource cannot send
// one) while behaving as EventSource does: it remembers the last `id:`, sends it back as Last-Event-ID when
// it reconnects, and waits the server's `retry:` (or 3 s) before reconnecting after a drop or a 503.

export interface StreamMessage {
  id: string | null;
  event: string;
  data: string;
}

export type StreamState = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface StreamHandlers {
  onMessage(message: StreamMessage): void;
  onState(state: StreamState, detail?: string): void;
}

/** Parses SSE lines out of chunks; keeps partial lines and the message being built between chunks. */
export class SseParser {
  private buffer = '';
  private data: string[] = [];
  private event = '';
  private id: string | null = null;
  lastEventId: string | null = null;
  retryMs: number | null = null;

  constructor(private readonly emit: (message: StreamMessage) => void) {}

  push(chunk: string): void {
    this.buffer += chunk;
    const lines = this.buffer.split(/\r\n|\r|\n/);
    this.buffer = lines.pop() ?? '';
    for (const line of lines) this.line(line);
  }

  private line(line: string): void {
    if (line === '') {
      if (this.id !== null) this.lastEventId = this.id;
      if (this.data.length > 0) this.emit({ id: this.lastEventId, event: this.event || 'message', data: this.data.join('\n') });
      this.data = [];
      this.event = '';
      this.id = null;
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.event = value;
    else if (field === 'id' && !value.includes('\0')) this.id = value;
    else if (field === 'retry' && /^\d+$/.test(value)) this.retryMs = Number(value);
  }
}

/** `credentialHeaders`: the operator's credential as headers (session.ts authHeaders). */
export function openStream(url: string, credentialHeaders: Record<string, string>, handlers: StreamHandlers): () => void {
  const controller = new AbortController();
  let stopped = false;
  let lastEventId: string | null = null;
  let retryMs = 3000;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let tries = 0;

  const connect = async (): Promise<void> => {
    handlers.onState(tries++ === 0 ? 'connecting' : 'reconnecting');
    const parser = new SseParser((message) => handlers.onMessage(message));
    let detail: string | undefined;
    try {
      const headers: Record<string, string> = { accept: 'text/event-stream', ...credentialHeaders };
      if (lastEventId !== null) headers['last-event-id'] = lastEventId;
      const response = await fetch(url, { headers, signal: controller.signal });
      if (response.status === 401 || response.status === 403) {
        const body = (await response.json().catch(() => ({}))) as { error?: { code?: string; message?: string } };
        stopped = true;
        handlers.onState('closed', `${response.status} ${body.error?.code ?? ''}: ${body.error?.message ?? ''}`);
        return;
      }
      if (!response.ok || !response.body) {
        detail = `HTTP ${response.status}`;
        const retryAfter = Number(response.headers.get('retry-after'));
        if (retryAfter > 0) retryMs = retryAfter * 1000;
      } else {
        handlers.onState('open');
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        for (;;) {
          const { value, done } = await reader.read();
          if (value) parser.push(value);
          if (parser.retryMs !== null) retryMs = parser.retryMs;
          if (parser.lastEventId !== null) lastEventId = parser.lastEventId;
          if (done) break;
        }
        detail = 'the stream ended';
      }
    } catch (error) {
      if (stopped) return;
      detail = error instanceof Error ? error.message : 'network error';
    }
    if (stopped) return;
    handlers.onState('reconnecting', detail);
    timer = setTimeout(() => void connect(), retryMs);
  };

  void connect();
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    controller.abort();
    handlers.onState('closed');
  };
}

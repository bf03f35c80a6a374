// The management API client: JSON in the envelope, the credential as a header, errors as ApiError with the
// API's own code, message and per-field problems.
import { authHeaders, type Credential } from './session.js';

export const API_BASE = '/api/v1';

export interface FieldProblem {
  path: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly problems: FieldProblem[] = [],
  ) {
    super(message);
  }

  /** "401 UNAUTHORIZED: invalid API key" */
  get summary(): string {
    return `${this.status} ${this.code}: ${this.message}`;
  }

  /** The API's message for one field of the body ("/url", "/eventTypes/1" → "url", "eventTypes"). */
  problemFor(field: string): string | undefined {
    const found = this.problems.filter((problem) => problem.path.split('/')[1] === field);
    return found.length > 0 ? found.map((problem) => problem.message).join('; ') : undefined;
  }
}

export interface Page<T> {
  data: T;
  meta: { page?: number; pageSize?: number; total?: number; totalPages?: number; [key: string]: unknown };
}

interface Envelope<T> {
  success: boolean;
  data?: T;
  meta?: Page<T>['meta'];
  error?: { code?: string; message?: string; details?: { errors?: FieldProblem[] } };
}

export type Query = Record<string, string | number | boolean | null | undefined>;

export function queryString(query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(name, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

export class Api {
  constructor(
    private readonly credential: Credential,
    private readonly onUnauthorized: (error: ApiError) => void = () => undefined,
  ) {}

  async call<T>(method: string, path: string, options: { query?: Query; body?: unknown; headers?: Record<string, string> } = {}): Promise<Page<T>> {
    const headers: Record<string, string> = { accept: 'application/json', ...authHeaders(this.credential), ...options.headers };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(`${API_BASE}${path}${queryString(options.query)}`, {
        method,
        headers,
        ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
      });
    } catch {
      throw new ApiError(0, 'NETWORK_ERROR', 'the management API could not be reached');
    }
    if (response.status === 204) return { data: undefined as T, meta: {} };
    let envelope: Envelope<T>;
    try {
      envelope = (await response.json()) as Envelope<T>;
    } catch {
      throw new ApiError(response.status, 'BAD_RESPONSE', `the API answered ${response.status} without JSON`);
    }
    if (!response.ok || !envelope.success) {
      const code = envelope.error?.code ?? 'ERROR';
      const message = envelope.error?.message ?? `HTTP ${response.status}`;
      // INVALID_URL (the SSRF and scheme check) names no path: it is about the url field.
      const problems = envelope.error?.details?.errors ?? (code === 'INVALID_URL' ? [{ path: '/url', message }] : []);
      const error = new ApiError(response.status, code, message, problems);
      if (response.status === 401) this.onUnauthorized(error);
      throw error;
    }
    return { data: envelope.data as T, meta: envelope.meta ?? {} };
  }

  async get<T>(path: string, query?: Query): Promise<Page<T>> {
    return this.call<T>('GET', path, query ? { query } : {});
  }

  async send<T>(method: 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T> {
    return (await this.call<T>(method, path, body === undefined ? {} : { body })).data;
  }
}

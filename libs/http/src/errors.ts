// The one error family every HTTP edge maps to the response envelope.

export interface AppErrorOptions {
  details?: Record<string, unknown>;
  cause?: unknown;
  headers?: Record<string, string>;
}

export class AppError extends Error {
  readonly details?: Record<string, unknown>;
  readonly headers?: Record<string, string>;

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    options: AppErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    if (options.details) this.details = options.details;
    if (options.headers) this.headers = options.headers;
  }
}

export const badRequest = (code: string, message: string, details?: Record<string, unknown>): AppError =>
  new AppError(400, code, message, details ? { details } : {});
export const notFound = (code: string, message: string): AppError => new AppError(404, code, message);
export const conflict = (code: string, message: string, details?: Record<string, unknown>): AppError =>
  new AppError(409, code, message, details ? { details } : {});
export const unauthorized = (code: string, message: string): AppError => new AppError(401, code, message);
export const forbidden = (code: string, message: string): AppError => new AppError(403, code, message);
export const unavailable = (message: string, cause?: unknown): AppError =>
  new AppError(503, 'UNAVAILABLE', message, { cause, headers: { 'retry-after': '5' } });

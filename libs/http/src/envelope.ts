// The response envelope of DESIGN.md: {success, data, meta} or {success:false, error}.
import type { Response } from 'express';

export interface PageMeta {
  page: number;
  pageSize: number;
  total: number;
  totalPages: number;
}

export function sendData(res: Response, status: number, data: unknown, meta: Record<string, unknown> = {}): void {
  res.status(status).json({ success: true, data, meta });
}

export function sendError(
  res: Response,
  status: number,
  code: string,
  message: string,
  details: Record<string, unknown> = {},
): void {
  res.status(status).json({ success: false, error: { code, message, details } });
}

export function pageMeta(page: number, pageSize: number, total: number): PageMeta {
  return { page, pageSize, total, totalPages: Math.ceil(total / pageSize) };
}

// GET /console: the operator console's static bundle (console/, built by `pnpm run build` into console/dist).
// Same origin as the API it calls, so it works behind the same Kubernetes Service with nothing else to run.
// A strict CSP: every script, style and font comes from this service, and it talks only to this service.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import express, { Router } from 'express';
import { sendError } from '@hookway/http';

const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  // uPlot and Preact set style attributes from script.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

export function consoleRoutes(assets: URL): Router {
  const router = Router();
  const root = fileURLToPath(assets);
  router.use((_req, res, next) => {
    res.setHeader('content-security-policy', CONTENT_SECURITY_POLICY);
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('referrer-policy', 'no-referrer');
    next();
  });
  // /console → /console/, so the bundle's relative asset paths resolve.
  router.get('/', (req, res, next) => {
    if (req.originalUrl.split('?')[0] === '/console') {
      res.redirect(301, '/console/');
      return;
    }
    next();
  });
  router.use((_req, res, next) => {
    if (existsSync(root)) {
      next();
      return;
    }
    sendError(res, 404, 'CONSOLE_NOT_BUILT', 'the console is not built: run pnpm run build (or pnpm run build:console)');
  });
  // Hashed asset names never change content: cache them for a year; index.html is always revalidated.
  router.use('/assets', express.static(`${root}/assets`, { immutable: true, maxAge: '365d', index: false }));
  router.use(express.static(root, { index: 'index.html', maxAge: 0, setHeaders: (res) => res.setHeader('cache-control', 'no-cache') }));
  return router;
}

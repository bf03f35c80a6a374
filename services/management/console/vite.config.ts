// The operator console's build: a static bundle under dist/, served by the management service at /console/.
// Everything is bundled (no CDN at run time); hashed file names let the service cache assets for long.
import { defineConfig } from 'vite';

export default defineConfig({
  base: '/console/',
  logLevel: 'warn',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, target: 'es2022', chunkSizeWarningLimit: 200 },
});

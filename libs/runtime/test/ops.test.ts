import { afterEach, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { Counter } from 'prom-client';
import { createMetricsRegistry, startOpsServer, type OpsServer } from '../src/index.js';

describe('ops server', () => {
  let ops: OpsServer | undefined;
  afterEach(async () => {
    await ops?.close();
  });

  it('serves liveness regardless of dependencies, readiness per dependency, and Prometheus metrics', async () => {
    let brokerUp = true;
    const registry = createMetricsRegistry('test-service');
    new Counter({ name: 'hookway_test_total', help: 'a test counter', registers: [registry] }).inc(3);
    ops = await startOpsServer({
      port: 0,
      registry,
      readiness: { postgres: async () => undefined, rabbitmq: () => brokerUp, slow: () => new Promise(() => undefined) },
      timeoutMs: 100,
    });
    const base = `http://127.0.0.1:${ops.port}`;

    expect((await request(base).get('/health')).status).toBe(200);
    const notReady = await request(base).get('/ready');
    expect(notReady.status).toBe(503);
    expect(notReady.body).toEqual({ status: 'not ready', checks: { postgres: 'up', rabbitmq: 'up', slow: 'down' } });

    const metrics = await request(base).get('/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.text).toContain('hookway_test_total{service="test-service"} 3');
    expect(metrics.text).toContain('process_resident_memory_bytes');

    brokerUp = false;
    expect(((await request(base).get('/ready')).body as { checks: Record<string, string> }).checks.rabbitmq).toBe('down');
    expect((await request(base).get('/health')).status).toBe(200);
  });

  it('answers 503 draining on /ready once draining starts, while /health stays 200', async () => {
    ops = await startOpsServer({ port: 0, registry: createMetricsRegistry('s'), readiness: { postgres: () => true } });
    const base = `http://127.0.0.1:${ops.port}`;
    expect((await request(base).get('/ready')).status).toBe(200);
    ops.drain();
    const draining = await request(base).get('/ready');
    expect([draining.status, (draining.body as { status: string }).status]).toEqual([503, 'draining']);
    expect((await request(base).get('/health')).status).toBe(200);
  });
});

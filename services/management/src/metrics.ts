// The management service's own Prometheus metrics, on its registry (beside the HTTP metrics every service
// has): read when Prometheus scrapes.
import { Gauge, type Registry } from 'prom-client';

export function watchStreamClients(registry: Registry, stream: { readonly size: number }): void {
  new Gauge({
    name: 'hookway_stream_clients',
    help: 'Connected GET /stream clients',
    registers: [registry],
    collect: function collect(this: Gauge) {
      this.set(stream.size);
    },
  });
}

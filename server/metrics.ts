/** Prometheus metrics, on a registry per service instance (tests run several in one process). */
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  registry: Registry;
  rings: Counter;
  refusedRegistrations: Counter;
  rateLimitedRings: Counter;
}

export function createMetrics(connectedDevices: () => number): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  new Gauge({
    name: 'birdcall_connected_devices',
    help: 'Devices with a registered control socket',
    registers: [registry],
    collect() {
      this.set(connectedDevices());
    },
  });
  return {
    registry,
    rings: new Counter({ name: 'birdcall_rings_total', help: 'Rings accepted past the rate limits', registers: [registry] }),
    refusedRegistrations: new Counter({
      name: 'birdcall_refused_registrations_total',
      help: 'Control sockets refused before registering (bad signature, no hello)',
      registers: [registry],
    }),
    rateLimitedRings: new Counter({ name: 'birdcall_rate_limited_rings_total', help: 'Rings refused by a rate limit', registers: [registry] }),
  };
}

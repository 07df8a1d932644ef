import { collectDefaultMetrics, Registry } from 'prom-client';

/**
 * The process's Prometheus registry. One per process (not the library's global one), so a
 * test that builds two applications does not register a metric twice.
 */
export function createRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'retention_mix_' });
  return registry;
}

export const METRICS_REGISTRY = Symbol('METRICS_REGISTRY');

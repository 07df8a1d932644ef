import { Inject, Injectable } from '@nestjs/common';
import { Gauge, Registry } from 'prom-client';
import { QueueProducer } from '../queue/queue-producer';
import { QUEUES } from '../queue/queues';
import { METRICS_REGISTRY } from './metrics';

/** Queue depths, read from Redis when Prometheus scrapes (not on a timer). */
@Injectable()
export class QueueDepthMetrics {
  constructor(@Inject(METRICS_REGISTRY) registry: Registry, producer: QueueProducer) {
    new Gauge({
      name: 'retention_mix_queue_jobs',
      help: 'Jobs per queue and state',
      labelNames: ['queue', 'state'],
      registers: [registry],
      async collect() {
        for (const { name } of Object.values(QUEUES)) {
          try {
            const counts = await producer
              .queue(name)
              .getJobCounts('waiting', 'active', 'delayed', 'failed', 'prioritized');
            for (const [state, count] of Object.entries(counts))
              this.set({ queue: name, state }, count);
          } catch {
            // Redis is down: /health says so; the scrape still answers with the rest.
          }
        }
      },
    });
  }
}

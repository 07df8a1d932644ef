import { Inject, Injectable } from '@nestjs/common';
import { Counter, Histogram, Registry } from 'prom-client';
import { METRICS_REGISTRY } from '../../common/metrics/metrics';

/** What the delivery pipeline counts, for /metrics. */
@Injectable()
export class DeliveryMetrics {
  readonly finished: Counter<'status' | 'module'>;
  readonly deferred: Counter<'reason'>;
  readonly retries: Counter<'kind'>;
  readonly possibleDuplicates: Counter;
  readonly promoted: Counter;
  readonly sendSeconds: Histogram;

  constructor(@Inject(METRICS_REGISTRY) registry: Registry) {
    this.finished = new Counter({
      name: 'retention_mix_messages_finished_total',
      help: 'Messages that reached a final status in this process, by status and module',
      labelNames: ['status', 'module'],
      registers: [registry],
    });
    this.deferred = new Counter({
      name: 'retention_mix_messages_deferred_total',
      help: 'Deferrals at send time, by reason (quiet hours, cap, open case, …)',
      labelNames: ['reason'],
      registers: [registry],
    });
    this.retries = new Counter({
      name: 'retention_mix_send_retries_total',
      help: 'Sends that failed and will be tried again, by kind (temporary, rate_limited)',
      labelNames: ['kind'],
      registers: [registry],
    });
    this.possibleDuplicates = new Counter({
      name: 'retention_mix_possible_duplicate_sends_total',
      help: 'Messages released from a stuck `sending` and sent again: the server may have had them once already',
      registers: [registry],
    });
    this.promoted = new Counter({
      name: 'retention_mix_deliver_jobs_promoted_total',
      help: 'Deliver jobs the promoter added as their messages came within DELIVER_JOB_HORIZON_MS (ids Redis had already included)',
      registers: [registry],
    });
    this.sendSeconds = new Histogram({
      name: 'retention_mix_send_duration_seconds',
      help: 'Render and send time of one message',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });
  }
}

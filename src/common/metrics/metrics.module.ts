import { Global, Module } from '@nestjs/common';
import { createRegistry, METRICS_REGISTRY } from './metrics';
import { QueueDepthMetrics } from './queue-depth.metrics';

@Global()
@Module({
  providers: [{ provide: METRICS_REGISTRY, useFactory: createRegistry }, QueueDepthMetrics],
  exports: [METRICS_REGISTRY],
})
export class MetricsModule {}

import { Global, Module } from '@nestjs/common';
import { EngineEvents } from './engine-events';
import { EvaluateQueue } from './evaluate-queue';

/** What every feature may use to add events: the evaluate queue adapter and engine events. */
@Global()
@Module({ providers: [EvaluateQueue, EngineEvents], exports: [EvaluateQueue, EngineEvents] })
export class EventsCoreModule {}

import { Global, Injectable, Module } from '@nestjs/common';

/**
 * The time, as one adapter: decisions take `now` as a parameter, and the edges that need
 * the current time ask this, so a test can move it (say, to the eve of a daylight-saving change).
 */
@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }
}

@Global()
@Module({ providers: [Clock], exports: [Clock] })
export class ClockModule {}

import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { INestApplication } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { ApiKeysService } from '../auth/api-keys.service';
import { QueueProducer } from '../queue/queue-producer';
import { QUEUES } from '../queue/queues';

export const BULL_BOARD_PATH = '/queues';

/**
 * Bull Board at /queues, for admins. A browser cannot send a Bearer header, so it also takes
 * HTTP Basic auth with an admin API key as the password (any user name).
 */
export function mountBullBoard(app: INestApplication) {
  const producer = app.get(QueueProducer);
  const keys = app.get(ApiKeysService);
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(BULL_BOARD_PATH);
  createBullBoard({
    queues: Object.values(QUEUES).map(({ name }) => new BullMQAdapter(producer.queue(name))),
    serverAdapter,
  });
  const requireAdmin = (req: Request, res: Response, next: NextFunction) => {
    const header = req.headers.authorization ?? '';
    const bearer = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
    const basic = /^Basic\s+(\S+)$/i.exec(header)?.[1];
    const key =
      bearer ??
      (basic ? Buffer.from(basic, 'base64').toString().split(':').slice(1).join(':') : undefined);
    const deny = () =>
      res
        .status(401)
        .set('WWW-Authenticate', 'Basic realm="Retention Mix queues"')
        .type('text/plain')
        .send('Admin API key required');
    if (!key) return deny();
    keys
      .resolve(key)
      .then((principal) => (principal?.role === 'admin' ? next() : deny()))
      .catch(next);
  };
  app.use(BULL_BOARD_PATH, requireAdmin, serverAdapter.getRouter());
}

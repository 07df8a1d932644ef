import { redisOptions } from '../../src/common/redis/redis-options';

describe('redisOptions: URL parsing', () => {
  it('reads host and port, with db 0 and no credentials or TLS', () => {
    expect(redisOptions('redis://10.0.0.5:6380', 'producer')).toMatchObject({
      host: '10.0.0.5',
      port: 6380,
      db: 0,
      username: undefined,
      password: undefined,
      tls: undefined,
    });
  });

  it('uses port 6379 when the URL has none', () => {
    expect(redisOptions('redis://cache.internal', 'worker').port).toBe(6379);
  });

  it('decodes percent-encoded credentials', () => {
    const options = redisOptions('redis://app%40shop:p%3Ass%2Fw0rd@cache:6379', 'worker');
    expect(options.username).toBe('app@shop');
    expect(options.password).toBe('p:ss/w0rd');
  });

  it('takes a password without a user name', () => {
    const options = redisOptions('redis://:s3cret@cache:6379', 'worker');
    expect(options.username).toBeUndefined();
    expect(options.password).toBe('s3cret');
  });

  it.each([
    ['redis://cache:6379/3', 3],
    ['redis://cache:6379/15', 15],
    ['redis://cache:6379/', 0],
    ['redis://cache:6379', 0],
    ['redis://cache:6379/not-a-number', 0],
  ])('%s selects db %i', (url, db) => {
    expect(redisOptions(url, 'producer').db).toBe(db);
  });

  it('turns on TLS for rediss://', () => {
    expect(redisOptions('rediss://cache:6380', 'producer').tls).toEqual({});
    expect(redisOptions('redis://cache:6380', 'producer').tls).toBeUndefined();
  });
});

describe('redisOptions: producer vs worker', () => {
  it('makes producers fail fast: no offline queue, one retry, a short connect timeout', () => {
    const options = redisOptions('redis://127.0.0.1:6379', 'producer');
    expect(options.enableOfflineQueue).toBe(false);
    expect(options.maxRetriesPerRequest).toBe(1);
    expect(options.connectTimeout).toBe(2_000);
  });

  it('lets workers retry forever (BullMQ requires maxRetriesPerRequest null) and queue offline', () => {
    const options = redisOptions('redis://127.0.0.1:6379', 'worker');
    expect(options.maxRetriesPerRequest).toBeNull();
    expect(options).not.toHaveProperty('enableOfflineQueue');
    expect(options).not.toHaveProperty('connectTimeout');
  });

  it.each(['producer', 'worker'] as const)(
    'backs off linearly by 200 ms up to 2 s for a %s',
    (role) => {
      const retry = redisOptions('redis://127.0.0.1:6379', role).retryStrategy!;
      expect([1, 2, 5, 9, 10, 11, 100].map((times) => retry(times))).toEqual([
        200, 400, 1000, 1800, 2000, 2000, 2000,
      ]);
    },
  );
});

/**
 * The demo talks to the engine the way a shop backend would: over HTTP with an API key.
 * Fails loudly on anything but the expected status, with the problem document.
 */
export class DemoApi {
  constructor(
    private readonly baseUrl: string,
    private readonly key: string,
  ) {}

  async call<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    expect: number[] = [200, 201, 202, 204],
  ): Promise<{ status: number; body: T }> {
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.key}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    const parsed = (text ? JSON.parse(text) : null) as T;
    if (!expect.includes(res.status)) {
      throw new Error(`${method} ${path} answered ${res.status}: ${text.slice(0, 500)}`);
    }
    return { status: res.status, body: parsed };
  }

  /** Runs `work` over `items` with at most `concurrency` requests in flight. */
  static async pool<T>(items: T[], concurrency: number, work: (item: T) => Promise<unknown>) {
    let next = 0;
    const runners = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const item = items[next++];
        await work(item);
      }
    });
    await Promise.all(runners);
  }
}

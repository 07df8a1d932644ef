/** The few calls a benchmark makes outside the measured load, with fetch. */

export async function requestJson<T>(
  baseUrl: string,
  method: 'GET' | 'POST' | 'PUT',
  path: string,
  key: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${key}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
}

/** Creates an API key with the admin key and returns its secret. */
export async function createApiKey(
  baseUrl: string,
  adminKey: string,
  name: string,
  role: string,
): Promise<string> {
  const { status, body } = await requestJson<{ key?: string }>(
    baseUrl,
    'POST',
    '/v1/api-keys',
    adminKey,
    { name, role },
  );
  if (status !== 201 || !body.key) {
    throw new Error(`POST /v1/api-keys answered ${status}: ${JSON.stringify(body)}`);
  }
  return body.key;
}

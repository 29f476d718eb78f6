import { describe, expect, it } from 'vitest';

import { createApiClient } from './client.ts';
import { ApiError, describeError, expectOk, isTransient, retryAfterOf, retryDelayMs, shouldRetryQuery } from './errors.ts';

const problem = (status: number, detail: string) => ({
  type: 'urn:orderchat:problem:unsupported-media-type',
  title: 'Unsupported Media Type',
  status,
  detail,
});

describe('isTransient: permanent failures show the detail, transient ones are retried', () => {
  it.each([400, 401, 403, 404, 409, 413, 415, 422])('%i is permanent', (status) => {
    expect(isTransient(new ApiError(status, null))).toBe(false);
    expect(shouldRetryQuery(0, new ApiError(status, null))).toBe(false);
  });

  it.each([408, 429, 500, 502, 503, 504])('%i is transient', (status) => {
    expect(isTransient(new ApiError(status, null))).toBe(true);
    expect(shouldRetryQuery(0, new ApiError(status, null))).toBe(true);
  });

  it('a network failure (fetch rejects with TypeError) or a timeout is transient; a cancelled call is not', () => {
    expect(isTransient(new TypeError('Failed to fetch'))).toBe(true);
    expect(isTransient(new DOMException('slow', 'TimeoutError'))).toBe(true);
    expect(isTransient(new DOMException('gone', 'AbortError'))).toBe(false);
    expect(isTransient(new Error('bug'))).toBe(false);
  });

  it('retries a query at most 3 times', () => {
    const err = new TypeError('Failed to fetch');
    expect([0, 1, 2, 3].map((n) => shouldRetryQuery(n, err))).toEqual([true, true, true, false]);
  });
});

describe('retry delays', () => {
  it('honour Retry-After (seconds or an HTTP date), else back off 1 s, 2 s, 4 s… up to 15 s', () => {
    const headers = (value: string) => new Response(null, { status: 429, headers: { 'Retry-After': value } });
    expect(retryAfterOf(headers('3'))).toBe(3000);
    expect(retryAfterOf(headers(new Date(10_000).toUTCString()), 4000)).toBe(6000);
    expect(retryAfterOf(new Response(null, { status: 503 }))).toBeUndefined();

    expect(retryDelayMs(0, new ApiError(429, null, 2000))).toBe(2000);
    expect([0, 1, 2, 5].map((n) => retryDelayMs(n, new TypeError('x')))).toEqual([1000, 2000, 4000, 15000]);
  });
});

describe('the failure a call rejects with', () => {
  const answering = (response: () => Response, throwOnError = false) =>
    createApiClient({
      getToken: () => 'jwt',
      onUnauthorized: () => {},
      baseUrl: 'http://test/api',
      fetch: async () => response(),
      throwOnError,
    });
  const refused = () =>
    new Response(JSON.stringify(problem(415, 'the file is text/plain; send an image, a PDF or a video')), {
      status: 415,
      headers: { 'Content-Type': 'application/problem+json' },
    });
  const busy = () =>
    new Response(JSON.stringify({ ...problem(429, 'too many requests; retry in 2 s'), type: 'urn:orderchat:problem:rate-limited' }), {
      status: 429,
      headers: { 'Content-Type': 'application/problem+json', 'Retry-After': '2' },
    });

  it('expectOk: an ApiError with the problem detail, status and Retry-After', async () => {
    const err = await expectOk(answering(refused).GET('/orders')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(describeError(err)).toBe('the file is text/plain; send an image, a PDF or a video');
    expect(isTransient(err)).toBe(false);
    const limited = await expectOk(answering(busy).GET('/orders')).catch((e: unknown) => e);
    expect((limited as ApiError).retryAfterMs).toBe(2000);
    expect(isTransient(limited)).toBe(true);
  });

  it('the query client (throwOnError) rejects with the same ApiError', async () => {
    const err = await answering(refused, true)
      .GET('/orders')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(415);
    expect(describeError(err)).toMatch(/text\/plain/);
    const limited = await answering(busy, true)
      .GET('/orders')
      .catch((e: unknown) => e);
    expect((limited as ApiError).retryAfterMs).toBe(2000);
  });
});

// Failed API calls become an ApiError carrying the server's problem+json.
import type { Problem, ProblemType } from './schema.ts';

export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem | null;
  /** The answer's Retry-After, in milliseconds (429, 503), when it had one. */
  readonly retryAfterMs: number | undefined;

  constructor(status: number, problem: Problem | null, retryAfterMs?: number) {
    super(problem?.detail ?? problem?.title ?? `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.problem = problem;
    this.retryAfterMs = retryAfterMs;
  }
}

/** Retry-After in milliseconds (seconds or an HTTP date), or undefined. */
export function retryAfterOf(response: Response, now = Date.now()): number | undefined {
  const value = response.headers.get('Retry-After');
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** The ApiError for a failed response: its problem+json body, status and Retry-After. */
export async function apiErrorOf(response: Response): Promise<ApiError> {
  const body: unknown = await response
    .clone()
    .json()
    .catch(() => null);
  return new ApiError(response.status, isProblem(body) ? body : null, retryAfterOf(response));
}

export function isProblem(body: unknown): body is Problem {
  return (
    typeof body === 'object' &&
    body !== null &&
    'type' in body &&
    typeof body.type === 'string' &&
    'status' in body &&
    'title' in body
  );
}

/**
 * The problem `type` of a failed call (the spec's ProblemType catalogue), or
 * null when it was not an API error with a problem body. Branch on this, not
 * on the status or the detail text. A newer server may send a type outside the
 * catalogue: comparisons with the known ones are then simply false.
 */
export function problemType(err: unknown): ProblemType | null {
  return err instanceof ApiError ? (err.problem?.type ?? null) : null;
}

type FetchResult<T> =
  | { data: T; error?: never; response: Response }
  | { data?: never; error: unknown; response: Response };

/** Resolves to the response body of a successful openapi-fetch call; throws ApiError otherwise. */
export async function expectOk<T>(pending: Promise<FetchResult<T>>): Promise<T> {
  const { data, error, response } = await pending;
  if (!response.ok || error !== undefined) {
    throw new ApiError(response.status, isProblem(error) ? error : null, retryAfterOf(response));
  }
  return data as T;
}

/** A sentence for the person at the screen. */
export function describeError(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  if (err instanceof DOMException && err.name === 'TimeoutError') return 'The server did not answer in time.';
  if (err instanceof TypeError) return 'Cannot reach the server. Check your connection.';
  return err instanceof Error ? err.message : String(err);
}

/**
 * Whether trying again may succeed. Permanent: the request itself is wrong
 * or not allowed (400, 403, 404, 409, 413, 415, 422 and other 4xx) — the same
 * request gets the same answer, so the person sees the server's `detail` and
 * no Retry. Transient: the network (a TypeError from fetch), a timeout, 408,
 * 429 (too many requests, with Retry-After) and any 5xx. A 401 ends the
 * session instead (see client.ts) and is not retried either.
 */
export function isTransient(err: unknown): boolean {
  if (err instanceof ApiError) return err.status === 408 || err.status === 429 || err.status >= 500;
  if (err instanceof DOMException) return err.name === 'TimeoutError' || err.name === 'NetworkError';
  return err instanceof TypeError;
}

/** The wait the server asked for before trying again (429/503 Retry-After), or undefined. */
export function retryAfterMs(err: unknown): number | undefined {
  return err instanceof ApiError ? err.retryAfterMs : undefined;
}

/** Automatic retries of a query (TanStack Query's `retry`): transient failures only, at most `max` times. */
export function shouldRetryQuery(failureCount: number, err: unknown, max = 3): boolean {
  return failureCount < max && isTransient(err);
}

/** The wait before automatic retry number `attempt` (0-based): Retry-After when given, else 1 s, 2 s, 4 s… up to 15 s. */
export function retryDelayMs(attempt: number, err: unknown): number {
  const asked = retryAfterMs(err);
  if (asked !== undefined) return Math.min(asked, 60_000);
  return Math.min(1000 * 2 ** attempt, 15_000);
}

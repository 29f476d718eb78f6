// Failed API calls become an ApiError carrying the server's problem+json.
import type { Problem, ProblemType } from './schema.ts';

export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem | null;

  constructor(status: number, problem: Problem | null) {
    super(problem?.detail ?? problem?.title ?? `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.problem = problem;
  }
}

function isProblem(body: unknown): body is Problem {
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
    throw new ApiError(response.status, isProblem(error) ? error : null);
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

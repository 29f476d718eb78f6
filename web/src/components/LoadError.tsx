// A failed load: the server's words (its problem `detail`) and, when trying
// again can help (network, 429, 5xx), a Retry. Automatic retries and the
// stream's reconnect usually get there first.
import { describeError, isTransient } from '../api/errors.ts';

export function LoadError({ error, onRetry, prefix }: { error: unknown; onRetry: () => void; prefix?: string }) {
  return (
    <p className="form-error" role="alert">
      {prefix}
      {describeError(error)}
      {isTransient(error) && (
        <>
          {' '}
          <button type="button" className="link-button" onClick={onRetry}>
            Retry
          </button>
        </>
      )}
    </p>
  );
}

// Loads data once the live stream is up, and again after a stream.reset.
import { useCallback, useEffect, useState, type DependencyList } from 'react';

import { describeError } from '../api/errors.ts';
import { useSyncGeneration } from '../app/liveEvents.tsx';

export interface Loaded<T> {
  data: T | undefined;
  error: string | null;
  /** Loads again (keeping what is shown until the answer arrives). */
  reload: () => void;
  /** Patches the data in place, e.g. from a live event. */
  setData: (update: (current: T | undefined) => T | undefined) => void;
}

export function useLoad<T>(load: (signal: AbortSignal) => Promise<T>, deps: DependencyList): Loaded<T> {
  const syncGeneration = useSyncGeneration();
  const [data, setData] = useState<T>();
  const [error, setError] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    if (syncGeneration === 0) return;
    const controller = new AbortController();
    load(controller.signal).then(
      (value) => {
        if (controller.signal.aborted) return;
        setData(value);
        setError(null);
      },
      (err: unknown) => {
        if (!controller.signal.aborted) setError(describeError(err));
      },
    );
    return () => controller.abort();
    // `load` is a fresh closure every render; `deps` say when it changes.
  }, [syncGeneration, attempt, ...deps]);

  const reload = useCallback(() => setAttempt((n) => n + 1), []);
  return { data, error, reload, setData };
}

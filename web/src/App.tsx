import { useEffect, useState } from 'react';

import { formatRelativeTime } from './lib/relativeTime.ts';

/** Re-renders every `intervalMs` so relative times stay current. */
function useNow(intervalMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = window.setInterval(() => setNow(Date.now()), intervalMs);
    return () => window.clearInterval(id);
  }, [intervalMs]);
  return now;
}

// Placeholder shell: the real chat UI replaces this.
export function App() {
  const now = useNow(30_000);
  const builtAt = new Date(__BUILD_TIME__);

  return (
    <div className="shell">
      <header className="shell-header">
        <span className="logo" aria-hidden="true" />
        <h1>orderchat</h1>
      </header>

      <main className="card">
        <h2>The chat interface is on its way</h2>
        <p>
          This page will soon let you talk about your orders in real time. Until then, the
          server&rsquo;s HTTP API is fully usable and documented.
        </p>
        <p className="actions">
          <a className="button" href="/api/docs">
            Open the API reference
          </a>
          <a href="/api/openapi.yaml">Download openapi.yaml</a>
        </p>
      </main>

      <footer className="shell-footer">
        <p>
          UI built{' '}
          <time dateTime={builtAt.toISOString()} title={builtAt.toLocaleString()}>
            {formatRelativeTime(builtAt, now)}
          </time>
          .
        </p>
      </footer>
    </div>
  );
}

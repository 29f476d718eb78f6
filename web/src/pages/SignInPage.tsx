// Development sign-in: `orderchat serve --dev` prints links to
// /signin#token=<jwt>. The token is read from the fragment (never sent to the
// server in a URL), kept in sessionStorage, and wiped from the address bar.
import { useEffect, useEffectEvent, useId, useState, type FormEvent } from 'react';
import { Link, useLocation, useNavigate } from 'react-router-dom';

import { useSessionContext } from '../app/session.tsx';
import { useDocumentTitle } from '../hooks/useDocumentTitle.ts';

export function SignInPage() {
  const { session, expired, signIn } = useSessionContext();
  const navigate = useNavigate();
  const location = useLocation();
  const from = (location.state as { from?: string } | null)?.from ?? '/orders';
  const [error, setError] = useState<string | null>(null);
  const [pasted, setPasted] = useState('');
  const tokenId = useId();
  useDocumentTitle('Sign in');

  // The fragment the page was opened with, and any link pasted into this tab later
  // (a same-document navigation: no new mount, only a `hashchange`).
  const readFragment = useEffectEvent(() => {
    const token = new URLSearchParams(window.location.hash.slice(1)).get('token');
    if (token === null) return;
    // Before anything else: the token must not stay in the address bar or history.
    window.history.replaceState(window.history.state, '', window.location.pathname + window.location.search);
    if (signIn(token)) void navigate(from, { replace: true });
    else setError('This sign-in link is not valid or has expired. Ask for a new one, or paste a token above.');
  });
  useEffect(() => {
    const onHashChange = () => readFragment();
    onHashChange();
    window.addEventListener('hashchange', onHashChange);
    return () => window.removeEventListener('hashchange', onHashChange);
  }, []);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (signIn(pasted)) void navigate(from, { replace: true });
    else setError('That is not a valid, unexpired token.');
  };

  return (
    <main className="signin">
      <div className="card">
        <h1 className="signin-title">
          <span className="logo" aria-hidden="true" /> orderchat
        </h1>
        {expired && !error && <p className="notice">Your session expired. Sign in again.</p>}
        {session && !expired && (
          <p className="notice">
            Signed in as {session.viewer.email ?? session.viewer.id}. <Link to="/orders">Continue to your orders</Link>
          </p>
        )}
        <p>
          Open a sign-in link printed by <code>orderchat serve --dev</code>, or paste a token minted with{' '}
          <code>orderchat token --dev --sub &lt;uuid&gt; --role user|admin</code>.
        </p>
        <form onSubmit={submit} className="stack">
          <label htmlFor={tokenId}>Access token</label>
          <textarea
            id={tokenId}
            rows={4}
            value={pasted}
            onChange={(event) => setPasted(event.target.value)}
            spellCheck={false}
            autoComplete="off"
            aria-describedby={error ? `${tokenId}-error` : undefined}
          />
          {error && (
            <p id={`${tokenId}-error`} className="form-error" role="alert">
              {error}
            </p>
          )}
          <button type="submit" className="button" disabled={pasted.trim() === ''}>
            Sign in
          </button>
        </form>
        <p className="muted">
          API reference: <a href="/api/docs">/api/docs</a>
        </p>
      </div>
    </main>
  );
}

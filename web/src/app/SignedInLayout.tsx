// Every signed-in page: the query cache, the live stream, the bell's list, the header.
import { Link, Navigate, Outlet, useLocation } from 'react-router-dom';

import { AppHeader } from '../components/AppHeader.tsx';
import { LiveEventsProvider } from './liveEvents.tsx';
import { NotificationsProvider } from './notifications.tsx';
import { QueryProvider } from './queries.tsx';
import { useSessionContext } from './session.tsx';

export function SignedInLayout() {
  const { session, expired } = useSessionContext();
  const location = useLocation();
  if (!session) return <Navigate to="/signin" replace state={{ from: location.pathname }} />;

  return (
    <QueryProvider>
      <LiveEventsProvider>
        <NotificationsProvider>
          <AppHeader />
          {expired && (
            <p className="session-banner" role="alert">
              Your session expired. <Link to="/signin" state={{ from: location.pathname }}>Sign in again</Link> to keep
              chatting.
            </p>
          )}
          <main className="page">
            <Outlet />
          </main>
        </NotificationsProvider>
      </LiveEventsProvider>
    </QueryProvider>
  );
}

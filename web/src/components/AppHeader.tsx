import { Link, NavLink, useNavigate } from 'react-router-dom';

import { useSessionContext, useSession } from '../app/session.tsx';
import { viewerAsPerson } from '../lib/people.ts';
import { NotificationBell } from './NotificationBell.tsx';
import { StreamIndicator } from './StreamIndicator.tsx';

export function AppHeader() {
  const { viewer } = useSession();
  const { signOut } = useSessionContext();
  const navigate = useNavigate();
  const name = viewerAsPerson(viewer).display_name;

  return (
    <header className="app-header">
      <Link to="/orders" className="brand">
        <span className="logo" aria-hidden="true" />
        <span className="brand-name">orderchat</span>
      </Link>
      <nav aria-label="Main" className="main-nav">
        <NavLink to="/orders" end>
          Orders
        </NavLink>
        {viewer.role === 'admin' && <NavLink to="/inbox">Inbox</NavLink>}
      </nav>
      <div className="header-tools">
        <StreamIndicator />
        <NotificationBell />
        <span className="who" title={viewer.email ?? name}>
          <span className="who-name">{name}</span>
          <span className={`role-chip role-chip--${viewer.role}`}>{viewer.role}</span>
        </span>
        <button
          type="button"
          className="button button--quiet"
          onClick={() => {
            signOut();
            void navigate('/signin', { replace: true });
          }}
        >
          Sign out
        </button>
      </div>
    </header>
  );
}

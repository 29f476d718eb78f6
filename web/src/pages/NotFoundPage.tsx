import { Link } from 'react-router-dom';

import { useDocumentTitle } from '../hooks/useDocumentTitle.ts';

export function NotFoundPage() {
  useDocumentTitle('Not found');
  return (
    <div className="card">
      <h1>Page not found</h1>
      <p>
        <Link to="/orders">Go to your orders</Link>
      </p>
    </div>
  );
}

// Routes. Signed-in pages share SignedInLayout (stream, bell, header).
import { Navigate, Route, Routes } from 'react-router-dom';

import { SessionProvider } from './app/session.tsx';
import { SignedInLayout } from './app/SignedInLayout.tsx';
import { InboxPage } from './pages/InboxPage.tsx';
import { NewOrderPage } from './pages/NewOrderPage.tsx';
import { NotFoundPage } from './pages/NotFoundPage.tsx';
import { OrderPage } from './pages/OrderPage.tsx';
import { OrdersPage } from './pages/OrdersPage.tsx';
import { SignInPage } from './pages/SignInPage.tsx';

export function App() {
  return (
    <SessionProvider>
      <Routes>
        <Route path="/signin" element={<SignInPage />} />
        <Route element={<SignedInLayout />}>
          <Route index element={<Navigate to="/orders" replace />} />
          <Route path="/orders" element={<OrdersPage />} />
          <Route path="/orders/new" element={<NewOrderPage />} />
          {/* One route for both, so opening the chat keeps the page mounted. */}
          <Route path="/orders/:orderId/:view?" element={<OrderPage />} />
          <Route path="/inbox" element={<InboxPage />} />
          <Route path="*" element={<NotFoundPage />} />
        </Route>
      </Routes>
    </SessionProvider>
  );
}

// Where a viewer's live event stream is.
import type { Viewer } from '../auth/token.ts';
import { API_BASE } from './client.ts';
import type { paths } from './schema.ts';

const ADMIN_STREAM = '/admin/sse' satisfies keyof paths;
const USER_STREAM = '/users/sse/notification/{user_id}' satisfies keyof paths;

/** Admins get the global stream; users their private one (keyed by `sub`). */
export function eventStreamUrl(viewer: Viewer): string {
  if (viewer.role === 'admin') return API_BASE + ADMIN_STREAM;
  return API_BASE + USER_STREAM.replace('{user_id}', encodeURIComponent(viewer.id));
}

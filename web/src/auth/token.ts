// Reads the claims of the bearer JWT. The browser never verifies the token
// (the server does on every request); it only needs to know who is signed in
// and until when.
import type { Owner } from '../api/schema.ts';

export interface Viewer {
  /** The principal's UUID (`sub`). */
  id: string;
  email: string | null;
  /** The `name` claim: how others see this person (openapi.yaml, `Person`). */
  name: string | null;
  /** `admin` or `user`; a token without a role is a user's. */
  role: Owner;
  /** Expiry, epoch milliseconds. */
  expiresAt: number;
}

export interface Session {
  token: string;
  viewer: Viewer;
}

function decodeBase64Url(segment: string): string {
  const base64 = segment.replace(/-/g, '+').replace(/_/g, '/');
  const padded = base64.padEnd(base64.length + ((4 - (base64.length % 4)) % 4), '=');
  const bytes = Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

/** The viewer named by `token`, or null when it is not a JWT with `sub` and `exp`. */
export function readToken(token: string): Session | null {
  const payload = token.trim().split('.')[1];
  if (!payload) return null;
  let claims: unknown;
  try {
    claims = JSON.parse(decodeBase64Url(payload));
  } catch {
    return null;
  }
  if (typeof claims !== 'object' || claims === null) return null;
  const { sub, email, name, role, exp } = claims as Record<string, unknown>;
  if (typeof sub !== 'string' || sub === '' || typeof exp !== 'number') return null;
  return {
    token: token.trim(),
    viewer: {
      id: sub,
      email: typeof email === 'string' ? email : null,
      name: typeof name === 'string' && name !== '' ? name : null,
      role: role === 'admin' ? 'admin' : 'user',
      expiresAt: exp * 1000,
    },
  };
}

export function isExpired(viewer: Viewer, now = Date.now()): boolean {
  return viewer.expiresAt <= now;
}

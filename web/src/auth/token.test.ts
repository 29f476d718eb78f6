import { describe, expect, it } from 'vitest';

import { isExpired, readToken } from './token.ts';

function jwt(claims: object): string {
  const bytes = (o: object) => String.fromCharCode(...new TextEncoder().encode(JSON.stringify(o)));
  const part = (o: object) => btoa(bytes(o)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  return `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}.signature`;
}

describe('readToken', () => {
  it('reads sub, email, name, role and exp', () => {
    const session = readToken(jwt({ sub: 'u-1', email: 'zoë@example.com', name: 'Zoë Adams', role: 'admin', exp: 2_000_000_000 }));
    expect(session?.viewer).toEqual({
      id: 'u-1',
      email: 'zoë@example.com',
      name: 'Zoë Adams',
      role: 'admin',
      expiresAt: 2_000_000_000_000,
    });
    expect(readToken(jwt({ sub: 'u-1', name: '', exp: 1 }))?.viewer.name).toBeNull();
  });

  it('treats a token without a role as a user', () => {
    expect(readToken(jwt({ sub: 'u-1', exp: 1 }))?.viewer.role).toBe('user');
  });

  it('rejects what is not a usable JWT', () => {
    expect(readToken('not a token')).toBeNull();
    expect(readToken('a.!!!.c')).toBeNull();
    expect(readToken(jwt({ email: 'x@y', exp: 1 }))).toBeNull();
    expect(readToken(jwt({ sub: 'u-1' }))).toBeNull();
  });

  it('knows when it expired', () => {
    const viewer = readToken(jwt({ sub: 'u', exp: 100 }))!.viewer;
    expect(isExpired(viewer, 99_999)).toBe(false);
    expect(isExpired(viewer, 100_000)).toBe(true);
  });
});

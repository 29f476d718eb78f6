// The token lives in sessionStorage: it survives reloads of this tab, and is
// gone when the tab closes. It never goes into a URL or localStorage.
const KEY = 'orderchat.token';

export function loadToken(): string | null {
  return sessionStorage.getItem(KEY);
}

export function saveToken(token: string): void {
  sessionStorage.setItem(KEY, token);
}

export function forgetToken(): void {
  sessionStorage.removeItem(KEY);
}

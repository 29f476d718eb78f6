// The mutator every orval-generated call goes through (orval.config.cjs): it prefixes the
// server's address and returns orval's `{ data, status, headers }`. The caller's token travels
// in each call's RequestInit (`bearer(token)`), so that one program can act as two principals.
let baseUrl = '';

/** Where the API is: `http://host:port/api`. */
export function setBaseUrl(url: string): void {
  baseUrl = url;
}

/** The RequestInit that authenticates a call as the holder of `token`. */
export function bearer(token: string): RequestInit {
  return { headers: { Authorization: `Bearer ${token}` } };
}

export async function http<T>(url: string, init: RequestInit): Promise<T> {
  const res = await fetch(`${baseUrl}${url}`, init);
  const text = [204, 205, 304].includes(res.status) ? '' : await res.text();
  const type = res.headers.get('Content-Type') ?? '';
  const data: unknown = text && /[/+]json\b/.test(type) ? JSON.parse(text) : text;
  return { data, status: res.status, headers: res.headers } as T;
}

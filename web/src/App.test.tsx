import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';

import { App } from './App.tsx';

describe('App (placeholder shell)', () => {
  const html = renderToStaticMarkup(<App />);

  it('is titled orderchat and links to the API reference', () => {
    expect(html).toContain('<h1>orderchat</h1>');
    expect(html).toMatch(/<a class="button" href="\/api\/docs">Open the API reference<\/a>/);
    expect(html).toContain('href="/api/openapi.yaml"');
  });

  it('shows when the UI was built, machine-readable and relative', () => {
    const m = html.match(/<time dateTime="([^"]+)"[^>]*>([^<]+)<\/time>/);
    expect(m).not.toBeNull();
    expect(new Date(m![1]!).toISOString()).toBe(__BUILD_TIME__);
    expect(m![2]).toBe('just now');
  });
});

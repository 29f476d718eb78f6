import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vitest/config';

// Everything is resolved relative to this file, so the config works no matter
// which directory `vite --config web/vite.config.ts` is started from.
const webDir = fileURLToPath(new URL('.', import.meta.url));
const outDir = resolve(webDir, 'dist');

// `emptyOutDir` wipes web/dist, including the committed .gitkeep that lets
// `//go:embed all:dist` (web/embed.go) compile before any build has run.
// Put it back once the bundle is written.
function keepGitkeep(): Plugin {
  return {
    name: 'orderchat:keep-gitkeep',
    apply: 'build',
    writeBundle() {
      writeFileSync(resolve(outDir, '.gitkeep'), '');
    },
  };
}

export default defineConfig({
  root: webDir,
  // Absolute asset URLs (/assets/...): docs.html is served by the Go server at
  // /api/docs, where relative URLs would resolve under /api/.
  base: '/',
  // No public/ folder: every file in dist comes from the bundle.
  publicDir: false,
  plugins: [react(), keepGitkeep()],
  // `npm run dev:web`: the Go server answers /api (spec, docs, endpoints).
  server: {
    proxy: {
      '/api': process.env.ORDERCHAT_API_URL ?? 'http://127.0.0.1:8080',
    },
  },
  build: {
    outDir,
    emptyOutDir: true,
    assetsDir: 'assets',
    // Every browser that runs ES modules supports <link rel=modulepreload>.
    modulePreload: { polyfill: false },
    // swagger-ui-dist ships one prebuilt ~1.7 MB bundle (React and all its
    // dependencies included); it is only loaded by docs.html.
    chunkSizeWarningLimit: 2000,
    rolldownOptions: {
      input: {
        index: resolve(webDir, 'index.html'),
        docs: resolve(webDir, 'docs.html'),
      },
    },
  },
  test: {
    root: webDir,
    include: ['src/**/*.test.{ts,tsx}'],
    environment: 'node',
  },
});

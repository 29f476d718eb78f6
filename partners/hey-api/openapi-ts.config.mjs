// @hey-api/openapi-ts, as a partner would configure it: the Fetch API client, the types
// and the SDK functions, generated from the spec the server serves (downloaded by
// partners/partners.test.mjs; PARTNER_SPEC overrides the path) into generated/ (gitignored).
import { fileURLToPath } from 'node:url';

import { defineConfig } from '@hey-api/openapi-ts';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  input: process.env.PARTNER_SPEC ?? here('../.served/openapi.yaml'),
  output: here('./generated'),
  plugins: ['@hey-api/client-fetch', '@hey-api/typescript', '@hey-api/sdk'],
  logs: { file: false }, // no openapi-ts-error-*.log files in the tree when generation fails
});

// orval, as a partner would configure it: the Fetch API client (`client: 'fetch'`; no axios,
// no react-query), generated from the spec the server serves (downloaded by
// partners/partners.test.mjs; PARTNER_SPEC overrides the path) into generated/ (gitignored).
// The mutator (src/http.ts) adds the server's address and the bearer token to every call.
// CommonJS on purpose: orval 7 loads a config given with --config through require(), and on
// Node 20.19+ require() of an ES module hands it the namespace object instead of the config.
const { defineConfig } = require('orval');

module.exports = defineConfig({
  orderchat: {
    input: { target: process.env.PARTNER_SPEC ?? '../.served/openapi.yaml' },
    output: {
      target: './generated/orderchat.ts',
      client: 'fetch',
      mode: 'single',
      clean: true,
      override: {
        mutator: { path: './src/http.ts', name: 'http' },
      },
    },
  },
});

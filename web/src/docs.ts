// API reference page (docs.html, served by the Go server at /api/docs).
// Swagger UI is bundled from node_modules: nothing is fetched from a CDN.
import 'swagger-ui-dist/swagger-ui.css';
import './docs.css';

import SwaggerUIBundle from 'swagger-ui-dist/swagger-ui-bundle.js';

/** Where the Go server publishes the OpenAPI document. */
const SPEC_URL = '/api/openapi.yaml';

SwaggerUIBundle({
  url: SPEC_URL,
  dom_id: '#swagger-ui',
  presets: [SwaggerUIBundle.presets.apis],
  layout: 'BaseLayout',
  deepLinking: true,
  // The default validator badge calls validator.swagger.io; this deployment
  // has no outside network, and the spec is linted in CI anyway.
  validatorUrl: null,
  // Never let ?url=/?configUrl= in the address bar point the page elsewhere.
  queryConfigEnabled: false,
  displayRequestDuration: true,
  defaultModelsExpandDepth: 0,
});

// Minimal typings for the parts of swagger-ui-dist's prebuilt bundle that
// docs.ts uses (the package ships no types of its own).
declare module 'swagger-ui-dist/swagger-ui-bundle.js' {
  interface SwaggerUIOptions {
    url: string;
    dom_id: string;
    presets?: unknown[];
    plugins?: unknown[];
    layout?: string;
    deepLinking?: boolean;
    validatorUrl?: string | null;
    tryItOutEnabled?: boolean;
    displayRequestDuration?: boolean;
    defaultModelsExpandDepth?: number;
    docExpansion?: 'list' | 'full' | 'none';
    filter?: boolean | string;
    persistAuthorization?: boolean;
    queryConfigEnabled?: boolean;
    onComplete?: () => void;
  }

  interface SwaggerUIBundle {
    (options: SwaggerUIOptions): unknown;
    presets: { apis: unknown };
  }

  const SwaggerUIBundle: SwaggerUIBundle;
  export default SwaggerUIBundle;
}

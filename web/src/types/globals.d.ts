/** ISO-8601 time of the Vite build, injected by `define` in vite.config.ts. */
declare const __BUILD_TIME__: string;

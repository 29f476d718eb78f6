// Build-time settings read through import.meta.env (Vite exposes VITE_* variables).
interface ImportMetaEnv {
  /** The shop's currency, an ISO 4217 code such as "EUR" (default USD): see lib/format.ts. */
  readonly VITE_SHOP_CURRENCY?: string;
}

interface ImportMeta {
  readonly env: ImportMetaEnv;
}

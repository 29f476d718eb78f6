// Small display formats shared by the pages.

/** The first block of a UUID: enough to tell orders apart on screen. */
export function shortId(uuid: string): string {
  return uuid.slice(0, 8);
}

/**
 * The shop's one currency (ISO 4217), for every amount on screen: the API's amounts are
 * plain cents. Set at build time with `VITE_SHOP_CURRENCY=EUR npm run build:web`; USD
 * when unset.
 */
export const SHOP_CURRENCY: string = import.meta.env.VITE_SHOP_CURRENCY || 'USD';

const money = new Intl.NumberFormat('en', {
  style: 'currency',
  currency: SHOP_CURRENCY,
  minimumFractionDigits: 2,
  maximumFractionDigits: 2,
});

/** 2500 → "$25.00" in the shop's currency (amounts are in cents). */
export function formatCents(cents: number): string {
  return money.format(cents / 100);
}

/** "12.5" → 1250 cents; null when it is not an amount with at most two decimals. */
export function parseAmount(value: string): number | null {
  if (!/^\d+(\.\d{1,2})?$/.test(value.trim())) return null;
  return Math.round(Number(value) * 100);
}

/** "10:05" in the viewer's time zone. */
export function formatClock(iso: string): string {
  return new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

/** "1.2 MiB" */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KiB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

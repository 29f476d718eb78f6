import { describe, expect, it } from 'vitest';

import { SHOP_CURRENCY, formatBytes, formatCents, parseAmount, shortId } from './format.ts';

describe('amounts', () => {
  it('parses what people type into cents, without float drift', () => {
    expect(parseAmount('12.5')).toBe(1250);
    expect(parseAmount(' 0.29 ')).toBe(29);
    expect(parseAmount('19.99')).toBe(1999);
    expect(parseAmount('3')).toBe(300);
  });

  it('rejects what is not an amount', () => {
    for (const bad of ['', '-1', '1.234', 'abc', '1,50', '.5']) expect(parseAmount(bad)).toBeNull();
  });

  it('formats cents in the shop currency (USD by default) with two decimals and grouping', () => {
    expect(SHOP_CURRENCY).toBe('USD');
    expect(formatCents(2500)).toBe('$25.00');
    expect(formatCents(123456789)).toBe('$1,234,567.89');
  });
});

describe('display helpers', () => {
  it('shortens ids and sizes', () => {
    expect(shortId('0b6f5c1e-8a1d-4c1b-9f3e-2d7a6b5c4d3e')).toBe('0b6f5c1e');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(2048)).toBe('2 KiB');
    expect(formatBytes(5 * 1024 * 1024)).toBe('5.0 MiB');
  });
});

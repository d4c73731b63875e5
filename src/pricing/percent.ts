/** A percentage with at most two decimals, as a string ("12.5") or a JSON number (12.5). */
const PERCENT_PATTERN = /^(\d{1,4})(?:\.(\d{1,2}))?$/;

/**
 * Reads a percentage into integer basis points (12.5 % is 1,250 bp), or null when it is
 * not a non-negative decimal with at most two decimals. No float is ever multiplied.
 */
export function parsePercent(input: unknown): number | null {
  let text: string;
  if (typeof input === 'string') text = input;
  else if (typeof input === 'number' && Number.isFinite(input)) text = String(input);
  else return null;
  const match = PERCENT_PATTERN.exec(text);
  if (!match) return null;
  const [, units, fraction = ''] = match;
  return Number(units) * 100 + Number(fraction.padEnd(2, '0'));
}

/** Basis points as the API answers a percentage: "12.50". */
export function formatPercent(basisPoints: number): string {
  const units = Math.trunc(basisPoints / 100);
  const hundredths = basisPoints % 100;
  return `${units}.${hundredths.toString().padStart(2, '0')}`;
}

// Number formatting for the report: bytes in KB/MB, times in ms/s, spreads as "median (min–max)",
// ratios as "×0.23". NaN prints "n/a", never "NaN".
import type { Spread } from '../summaryStats';

export function bytes(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  if (value >= 1024 * 1024) return `${(value / (1024 * 1024)).toFixed(2)} MB`;
  if (value >= 10 * 1024) return `${Math.round(value / 1024)} KB`;
  if (value >= 1024) return `${(value / 1024).toFixed(1)} KB`;
  return `${Math.round(value)} B`;
}

export function ms(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  if (value >= 10_000) return `${(value / 1000).toFixed(1)} s`;
  if (value >= 1000) return `${(value / 1000).toFixed(2)} s`;
  return `${Math.round(value)} ms`;
}

export function spreadOf(s: Spread, unit: (v: number) => string): string {
  if (s.n === 0) return 'n/a';
  if (s.n === 1 || s.min === s.max) return unit(s.median);
  return `${unit(s.median)} (${unit(s.min)}–${unit(s.max)})`;
}

export function times(r: number): string {
  return Number.isFinite(r) ? `×${r < 0.1 ? r.toFixed(3) : r.toFixed(2)}` : 'n/a';
}

export function int(value: number): string {
  return Number.isFinite(value) ? String(Math.round(value)) : 'n/a';
}

export function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

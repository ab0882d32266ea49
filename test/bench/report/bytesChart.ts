// The chart behind "bytes sent per request": one line per contender over a refactor-50 run, wire
// bytes (after compression) solid and payload (before) dashed, the floor dotted. Hand-written SVG on
// a log scale — stateless HTTP is two orders of magnitude above a delta client, so a linear axis
// would flatten everything else onto zero.

export interface ChartSeries {
  label: string;
  color: string;
  /** Bytes per request, in request order; null where unknown. */
  values: Array<number | null>;
  dash?: string;
  /** Line width; the subject of the chart is drawn thicker (and last, so it stays visible where lines coincide). */
  width?: number;
}

const W = 1120;
const H = 560;
const M = { left: 80, right: 330, top: 70, bottom: 60 };

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function formatBytes(bytes: number): string {
  if (bytes >= 1e6) return `${bytes / 1e6} MB`;
  if (bytes >= 1e3) return `${bytes / 1e3} KB`;
  return `${bytes} B`;
}

export function bytesChartSvg(title: string, subtitle: string, series: readonly ChartSeries[], note = ''): string {
  const all = series.flatMap((s) => s.values.filter((v): v is number => v !== null && v > 0));
  const count = Math.max(1, ...series.map((s) => s.values.length));
  const minExp = Math.floor(Math.log10(Math.max(1, Math.min(...all, 1e9))));
  const maxExp = Math.ceil(Math.log10(Math.max(10, ...all)));
  const plotW = W - M.left - M.right;
  const plotH = H - M.top - M.bottom;
  const x = (i: number): number => M.left + (count <= 1 ? 0 : (i / (count - 1)) * plotW);
  const y = (v: number): number => M.top + plotH - ((Math.log10(v) - minExp) / (maxExp - minExp)) * plotH;
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="system-ui, sans-serif" font-size="12">`);
  parts.push(`<rect width="${W}" height="${H}" fill="#ffffff"/>`);
  parts.push(`<text x="${M.left}" y="22" font-size="16" font-weight="600">${escapeXml(title)}</text>`);
  parts.push(`<text x="${M.left}" y="40" fill="#555">${escapeXml(subtitle)}</text>`);
  if (note) parts.push(`<text x="${M.left}" y="58" fill="#555">${escapeXml(note)}</text>`);
  for (let e = minExp; e <= maxExp; e++) {
    const v = 10 ** e;
    parts.push(`<line x1="${M.left}" x2="${M.left + plotW}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#e3e3e3"/>`);
    parts.push(`<text x="${M.left - 8}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end" fill="#444">${formatBytes(v)}</text>`);
  }
  const step = count > 20 ? 10 : count > 10 ? 5 : 1;
  for (let i = 0; i < count; i += step) {
    parts.push(`<text x="${x(i).toFixed(1)}" y="${M.top + plotH + 18}" text-anchor="middle" fill="#444">${i + 1}</text>`);
  }
  parts.push(`<line x1="${M.left}" x2="${M.left + plotW}" y1="${M.top + plotH}" y2="${M.top + plotH}" stroke="#888"/>`);
  parts.push(`<line x1="${M.left}" x2="${M.left}" y1="${M.top}" y2="${M.top + plotH}" stroke="#888"/>`);
  parts.push(`<text x="${M.left + plotW / 2}" y="${H - 18}" text-anchor="middle" fill="#333">request number (one model response each)</text>`);
  parts.push(`<text transform="translate(18 ${M.top + plotH / 2}) rotate(-90)" text-anchor="middle" fill="#333">bytes sent by the client for the request (log scale)</text>`);
  series.forEach((s, index) => {
    const points = s.values
      .map((v, i) => (v !== null && v > 0 ? `${x(i).toFixed(1)},${y(v).toFixed(1)}` : null))
      .filter((p): p is string => p !== null);
    if (points.length > 0) {
      parts.push(`<polyline fill="none" stroke="${s.color}" stroke-width="${s.width ?? 1.5}"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''} points="${points.join(' ')}"/>`);
    }
    const ly = M.top + 10 + index * 22;
    const lx = M.left + plotW + 16;
    parts.push(`<line x1="${lx}" x2="${lx + 28}" y1="${ly}" y2="${ly}" stroke="${s.color}" stroke-width="${s.width ?? 1.5}"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}/>`);
    parts.push(`<text x="${lx + 34}" y="${ly + 4}">${escapeXml(s.label)}</text>`);
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

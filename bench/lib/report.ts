/** The bench's outputs: one text table, an SVG strip chart of the distributions, a README section. */
import type { Timing } from './stats';

export interface Row {
  label: string;
  /** A timing, or a plain figure with its unit. */
  timing?: Timing;
  value?: string;
  /** e.g. "1.8x PeerJS data (target <= 2x)" */
  note?: string;
}

const fmt = (n: number) => (Number.isFinite(n) ? (Math.abs(n) < 10 ? n.toFixed(2) : n.toFixed(1)) : 'n/a');

export function table(rows: Row[]): string {
  const cells = rows.map((r) => [
    r.label,
    r.timing ? `${fmt(r.timing.median)} ms` : (r.value ?? ''),
    r.timing ? `${fmt(r.timing.p90)} ms` : '',
    r.timing ? String(r.timing.runs) : '',
    r.note ?? '',
  ]);
  const head = ['measure', 'median', 'p90', 'runs', 'vs baseline / target'];
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => c.map((v, i) => (i === 1 || i === 2 || i === 3 ? v.padStart(widths[i]!) : v.padEnd(widths[i]!))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}

export function markdownTable(rows: Row[]): string {
  const out = ['| measure | median | p90 | runs | vs baseline / target |', '|---|---:|---:|---:|---|'];
  for (const r of rows) {
    out.push(
      `| ${r.label} | ${r.timing ? `${fmt(r.timing.median)} ms` : (r.value ?? '')} | ${r.timing ? `${fmt(r.timing.p90)} ms` : ''} | ${r.timing ? r.timing.runs : ''} | ${r.note ?? ''} |`,
    );
  }
  return out.join('\n');
}

export interface Series {
  label: string;
  values: number[];
  /** Baselines are drawn grey, Birdcall blue. */
  baseline?: boolean;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * A strip chart on a log time axis: one row per series, a dot per run, a bar at the median and a
 * tick at p90. Plain SVG, no dependencies.
 */
export function stripChart(series: Series[], title: string, subtitle: string): string {
  const left = 250;
  const right = 30;
  const width = 900;
  const rowH = 34;
  const top = 58;
  const height = top + series.length * rowH + 46;
  const all = series.flatMap((s) => s.values).filter((v) => Number.isFinite(v) && v > 0);
  const lo = 10 ** Math.floor(Math.log10(Math.min(...all, 1)));
  const hi = 10 ** Math.ceil(Math.log10(Math.max(...all, 10)));
  const x = (v: number) => left + ((Math.log10(Math.max(v, lo)) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) * (width - left - right);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="12" y="22" font-size="15" font-weight="600">${esc(title)}</text>`,
    `<text x="12" y="40" fill="#555">${esc(subtitle)}</text>`,
  ];
  for (let decade = lo; decade <= hi; decade *= 10) {
    for (const m of [1, 2, 5]) {
      const v = decade * m;
      if (v > hi) break;
      const px = x(v).toFixed(1);
      parts.push(`<line x1="${px}" y1="${top - 6}" x2="${px}" y2="${top + series.length * rowH}" stroke="${m === 1 ? '#ccc' : '#eee'}"/>`);
      parts.push(`<text x="${px}" y="${top + series.length * rowH + 16}" text-anchor="middle" fill="#555">${v >= 1 ? v : v.toFixed(2)}</text>`);
    }
  }
  parts.push(
    `<text x="${left + (width - left - right) / 2}" y="${height - 10}" text-anchor="middle" fill="#333">ms (log scale) · dot = one run · bar = median · tick = p90</text>`,
  );
  series.forEach((s, i) => {
    const y = top + i * rowH + rowH / 2;
    const color = s.baseline ? '#888' : '#1d9bf0';
    const finite = s.values.filter((v) => Number.isFinite(v));
    const sorted = [...finite].sort((a, b) => a - b);
    const med = sorted.length ? (sorted.length % 2 ? sorted[sorted.length >> 1]! : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2) : NaN;
    const p90 = sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(0.9 * sorted.length) - 1)]! : NaN;
    if (i % 2 === 0) parts.push(`<rect x="0" y="${y - rowH / 2}" width="${width}" height="${rowH}" fill="#f7f9fa"/>`);
    parts.push(`<text x="${left - 10}" y="${y + 4}" text-anchor="end" fill="${s.baseline ? '#555' : '#0f1419'}">${esc(s.label)}</text>`);
    finite.forEach((v, j) => {
      const jitter = ((j * 7) % 11) - 5;
      parts.push(`<circle cx="${x(v).toFixed(1)}" cy="${(y + jitter).toFixed(1)}" r="2.6" fill="${color}" fill-opacity="0.55"/>`);
    });
    if (Number.isFinite(med)) {
      parts.push(`<line x1="${x(med).toFixed(1)}" y1="${y - 11}" x2="${x(med).toFixed(1)}" y2="${y + 11}" stroke="#0f1419" stroke-width="2.5"/>`);
      parts.push(`<line x1="${x(p90).toFixed(1)}" y1="${y - 7}" x2="${x(p90).toFixed(1)}" y2="${y + 7}" stroke="#f4212e" stroke-width="2"/>`);
      parts.push(`<text x="${width - right + 2}" y="${y + 4}" font-size="10" fill="#555" text-anchor="end">${fmt(med)}</text>`);
    }
  });
  parts.push('</svg>');
  return parts.join('\n');
}

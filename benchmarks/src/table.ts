import type { Row, SuiteOptions } from './harness.js';

/** True for a unit where more is better (a rate such as `M ops/s`). */
export function higherIsBetter(unit: string | undefined): boolean {
  return unit?.endsWith('/s') === true;
}

/**
 * How many times better ours is than a peer: peer / ours for times and sizes, ours / peer for
 * rates, so that above 1 always means ours is ahead.
 */
export function ratio(row: Row, peer: number): number {
  return higherIsBetter(row.unit) ? row.ours / peer : peer / row.ours;
}

/**
 * A figure with three significant digits or more; `-` for one that was not measured (NaN, such
 * as a percentile of no samples, which reaches the parent as null through the child's IPC).
 */
export function formatValue(value: number): string {
  if (!Number.isFinite(value)) return '-';
  if (value >= 1000) return Math.round(value).toLocaleString('en-US');
  if (value >= 100) return value.toFixed(1);
  if (value >= 10) return value.toFixed(2);
  return value.toFixed(3);
}

/**
 * A suite's rows as a plain-text table: one column per peer with its figure and the ratio to
 * ours in brackets, unverified rows marked.
 */
export function formatTable(suite: string, rows: readonly Row[], options: SuiteOptions): string {
  const peers: string[] = [];
  for (const row of rows)
    for (const p of Object.keys(row.peers)) if (!peers.includes(p)) peers.push(p);
  const runs = options.smoke ? 'smoke run, 1 run' : `median of ${options.runs}`;
  const clock = options.clock === 'cpu' ? ', CPU time' : '';
  const header = ['case', 'unit', 'ours', ...peers, 'verified'];
  const lines = rows.map((row) => [
    row.name,
    row.unit ?? 'ms',
    formatValue(row.ours),
    ...peers.map((p) => {
      const v = row.peers[p];
      if (v === undefined) return '';
      const times = ratio(row, v);
      return `${formatValue(v)} (${Number.isFinite(times) ? `${times.toFixed(1)}x` : '-'})`;
    }),
    row.verified ? 'yes' : `NO${row.notes === undefined ? '' : ` (${row.notes})`}`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const render = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [
    `${suite} (${runs}${clock}; (Nx) = how many times better ours is than that peer)`,
    render(header),
    ...lines.map(render),
  ].join('\n');
}

/**
 * Loss and accuracy per epoch as a self-contained SVG (two panels side by side), drawn from the
 * EpochLog list that `train()` returns; the final test loss and accuracy, if given, are dashed
 * horizontal lines. SVG text, no fonts or libraries needed, and it scales in a README.
 */
import type { EpochLog } from '../train/trainer.js';

export interface TestResult {
  loss: number;
  accuracy: number;
}

const PANEL_W = 360;
const PANEL_H = 240;
const MARGIN = { left: 52, right: 16, top: 30, bottom: 40 };

function fmt(v: number): string {
  return Number(v.toFixed(4)).toString();
}

function escapeXml(s: string): string {
  return s.replace(
    /[<>&"]/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!,
  );
}

/** Round tick values covering [lo, hi]. */
function ticks(lo: number, hi: number, count = 5): number[] {
  const span = hi - lo || 1;
  const raw = span / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => span / s <= count) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) {
    out.push(Number(v.toFixed(10)));
  }
  return out;
}

function panel(
  x0: number,
  title: string,
  epochs: number[],
  values: number[],
  test: number | undefined,
  fixedRange: [number, number] | null,
): string {
  const plotW = PANEL_W - MARGIN.left - MARGIN.right;
  const plotH = PANEL_H - MARGIN.top - MARGIN.bottom;
  const all = test === undefined ? values : [...values, test];
  const lo = fixedRange ? fixedRange[0] : Math.min(0, ...all);
  let hi = fixedRange ? fixedRange[1] : Math.max(...all);
  if (hi <= lo) hi = lo + 1;
  const firstEpoch = Math.min(...epochs);
  const lastEpoch = Math.max(...epochs);
  const xSpan = lastEpoch - firstEpoch || 1;
  const sx = (e: number) => x0 + MARGIN.left + ((e - firstEpoch) / xSpan) * plotW;
  const sy = (v: number) => MARGIN.top + plotH - ((v - lo) / (hi - lo)) * plotH;
  const parts: string[] = [];
  parts.push(
    `<text x="${x0 + PANEL_W / 2}" y="18" text-anchor="middle" font-weight="bold">${escapeXml(title)}</text>`,
  );
  parts.push(
    `<rect x="${x0 + MARGIN.left}" y="${MARGIN.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#888"/>`,
  );
  for (const t of ticks(lo, hi)) {
    const y = sy(t).toFixed(1);
    parts.push(
      `<line x1="${x0 + MARGIN.left}" x2="${x0 + MARGIN.left + plotW}" y1="${y}" y2="${y}" stroke="#ddd"/>`,
    );
    parts.push(
      `<text x="${x0 + MARGIN.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${fmt(t)}</text>`,
    );
  }
  const xTicks = ticks(
    firstEpoch,
    lastEpoch,
    Math.min(10, Math.max(1, lastEpoch - firstEpoch)),
  ).filter((e) => Number.isInteger(e));
  for (const e of xTicks) {
    parts.push(
      `<text x="${sx(e).toFixed(1)}" y="${MARGIN.top + plotH + 16}" text-anchor="middle">${e}</text>`,
    );
  }
  parts.push(
    `<text x="${x0 + MARGIN.left + plotW / 2}" y="${PANEL_H - 6}" text-anchor="middle">epoch</text>`,
  );
  if (test !== undefined) {
    const y = sy(test).toFixed(1);
    parts.push(
      `<line x1="${x0 + MARGIN.left}" x2="${x0 + MARGIN.left + plotW}" y1="${y}" y2="${y}" stroke="#d62728" stroke-dasharray="5,4"/>`,
    );
    // Training curves end better than the test figure: below it for loss, above for accuracy.
    // Put the label on the other side of the line, where the curve is not.
    const below = test > (lo + hi) / 2;
    parts.push(
      `<text x="${x0 + MARGIN.left + plotW - 4}" y="${(sy(test) + (below ? 13 : -5)).toFixed(1)}" text-anchor="end" fill="#d62728">test ${fmt(test)}</text>`,
    );
  }
  const points = epochs.map((e, i) => `${sx(e).toFixed(1)},${sy(values[i]).toFixed(1)}`).join(' ');
  parts.push(`<polyline points="${points}" fill="none" stroke="#1f77b4" stroke-width="2"/>`);
  epochs.forEach((e, i) => {
    parts.push(
      `<circle cx="${sx(e).toFixed(1)}" cy="${sy(values[i]).toFixed(1)}" r="3" fill="#1f77b4"><title>epoch ${e}: ${fmt(values[i])}</title></circle>`,
    );
  });
  return parts.join('\n');
}

/** The chart as SVG text. Training figures are the per-epoch means `train()` reports. */
export function trainingCurvesSvg(epochs: readonly EpochLog[], test?: TestResult): string {
  if (epochs.length === 0) throw new Error('no epochs to plot');
  const e = epochs.map((l) => l.epoch);
  const width = 2 * PANEL_W;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${PANEL_H}" viewBox="0 0 ${width} ${PANEL_H}" font-family="sans-serif" font-size="11" role="img">`,
    '<title>Training loss and accuracy per epoch</title>',
    `<rect width="${width}" height="${PANEL_H}" fill="white"/>`,
    panel(
      0,
      'Training loss per epoch',
      e,
      epochs.map((l) => l.loss),
      test?.loss,
      null,
    ),
    panel(
      PANEL_W,
      'Training accuracy per epoch',
      e,
      epochs.map((l) => l.accuracy),
      test?.accuracy,
      [0, 1],
    ),
    '</svg>',
    '',
  ].join('\n');
}

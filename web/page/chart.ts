/**
 * A line chart drawn as SVG, with the same figures in a data table beside it (for screen readers
 * and for anyone who wants the numbers). Points are appended as training reports them.
 */

export interface SeriesSpec {
  name: string;
  color: string;
}

const SVG = 'http://www.w3.org/2000/svg';
const WIDTH = 480;
const HEIGHT = 200;
const PAD = { left: 40, right: 10, top: 10, bottom: 24 };

function el<K extends keyof SVGElementTagNameMap>(
  name: K,
  attrs: Record<string, string | number>,
): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  return e;
}

export class LineChart {
  private readonly svg: SVGSVGElement;
  private readonly lines: SVGPolylineElement[];
  private readonly axisLabels: SVGTextElement[];
  private readonly body: HTMLTableSectionElement;
  private readonly xs: number[] = [];
  private readonly ys: number[][];
  /** The y range is fixed (accuracy) or grows with the data (loss). */
  private readonly fixedMax: number | null;

  constructor(
    figure: HTMLElement,
    title: string,
    private readonly xLabel: string,
    series: SeriesSpec[],
    fixedMax: number | null,
  ) {
    this.fixedMax = fixedMax;
    this.ys = series.map(() => []);
    const caption = document.createElement('figcaption');
    caption.textContent = title;
    const legend = document.createElement('div');
    legend.className = 'legend';
    for (const s of series) {
      const item = document.createElement('span');
      item.style.color = s.color;
      item.textContent = s.name;
      legend.append(item);
    }
    this.svg = el('svg', {
      viewBox: `0 0 ${WIDTH} ${HEIGHT}`,
      class: 'chart',
      role: 'img',
      'aria-label': `${title}: chart; the same figures are in the table below it`,
    });
    this.svg.append(
      el('line', {
        x1: PAD.left,
        y1: HEIGHT - PAD.bottom,
        x2: WIDTH - PAD.right,
        y2: HEIGHT - PAD.bottom,
        stroke: '#4a5560',
      }),
      el('line', {
        x1: PAD.left,
        y1: PAD.top,
        x2: PAD.left,
        y2: HEIGHT - PAD.bottom,
        stroke: '#4a5560',
      }),
    );
    this.axisLabels = [0, 1, 2].map((i) => {
      const t = el(
        'text',
        i < 2
          ? { x: 2, y: i === 0 ? PAD.top + 8 : HEIGHT - PAD.bottom }
          : { x: WIDTH - PAD.right, y: HEIGHT - 6, 'text-anchor': 'end' },
      );
      this.svg.append(t);
      return t;
    });
    this.lines = series.map((s) => {
      const line = el('polyline', { fill: 'none', stroke: s.color, 'stroke-width': 2 });
      this.svg.append(line);
      return line;
    });
    const table = document.createElement('table');
    const tableCaption = document.createElement('caption');
    tableCaption.textContent = `${title}: data`;
    const head = document.createElement('thead');
    const headRow = document.createElement('tr');
    for (const name of [xLabel, ...series.map((s) => s.name)]) {
      const th = document.createElement('th');
      th.scope = 'col';
      th.textContent = name;
      headRow.append(th);
    }
    head.append(headRow);
    this.body = document.createElement('tbody');
    table.append(tableCaption, head, this.body);
    const scroll = document.createElement('div');
    scroll.className = 'table-scroll';
    scroll.tabIndex = 0;
    scroll.setAttribute('role', 'region');
    scroll.setAttribute('aria-label', `${title}: data table`);
    scroll.append(table);
    figure.replaceChildren(caption, legend, this.svg, scroll);
  }

  clear(): void {
    this.xs.length = 0;
    for (const y of this.ys) y.length = 0;
    this.body.replaceChildren();
    this.redraw();
  }

  /** One point per series at x (NaN leaves a series without a point there). */
  add(x: number, values: number[]): void {
    this.xs.push(x);
    values.forEach((v, i) => {
      this.ys[i].push(v);
    });
    const row = document.createElement('tr');
    for (const v of [x, ...values]) {
      const td = document.createElement('td');
      td.textContent = Number.isInteger(v) ? String(v) : Number.isNaN(v) ? '–' : v.toFixed(4);
      row.append(td);
    }
    this.body.append(row);
    this.redraw();
  }

  private redraw(): void {
    const xMax = Math.max(1, ...this.xs);
    let yMax = this.fixedMax ?? 0;
    if (this.fixedMax === null) for (const y of this.ys) for (const v of y) if (v > yMax) yMax = v;
    if (yMax <= 0) yMax = 1;
    const sx = (WIDTH - PAD.left - PAD.right) / xMax;
    const sy = (HEIGHT - PAD.top - PAD.bottom) / yMax;
    this.ys.forEach((y, i) => {
      const points: string[] = [];
      y.forEach((v, j) => {
        if (Number.isFinite(v))
          points.push(
            `${(PAD.left + this.xs[j] * sx).toFixed(1)},${(HEIGHT - PAD.bottom - v * sy).toFixed(1)}`,
          );
      });
      this.lines[i].setAttribute('points', points.join(' '));
    });
    this.axisLabels[0].textContent = yMax.toFixed(this.fixedMax === null ? 2 : 1);
    this.axisLabels[1].textContent = '0';
    this.axisLabels[2].textContent = `${this.xLabel}: ${xMax}`;
  }

  /** The number of points shown (tests read it). */
  get length(): number {
    return this.xs.length;
  }
}

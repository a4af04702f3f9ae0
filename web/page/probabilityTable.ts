/** The drawing pad's class probabilities: a table row per class with a bar, and a one-line verdict. */
export class ProbabilityTable {
  private rows: HTMLTableRowElement[] = [];

  constructor(
    private readonly body: HTMLTableSectionElement,
    private readonly verdict: HTMLElement,
  ) {
    this.show(null, 10);
  }

  /** `p`: one probability per class, or null to show dashes for `classes` rows. */
  show(p: readonly number[] | null, classes = p?.length ?? this.rows.length): void {
    if (this.rows.length !== classes) {
      this.rows = Array.from({ length: classes }, (_, c) => {
        const tr = document.createElement('tr');
        tr.innerHTML = `<th scope="row">${c}</th><td class="bar"><span class="fill"></span> <span class="value">–</span></td>`;
        return tr;
      });
      this.body.replaceChildren(...this.rows);
    }
    let best = 0;
    if (p) for (let c = 1; c < p.length; c++) if (p[c] > p[best]) best = c;
    this.rows.forEach((row, c) => {
      const v = p?.[c] ?? 0;
      (row.querySelector('.fill') as HTMLElement).style.width = `${Math.round(v * 120)}px`;
      (row.querySelector('.value') as HTMLElement).textContent = p
        ? `${(v * 100).toFixed(1)}%`
        : '–';
      row.classList.toggle('top', p !== null && c === best);
    });
    this.verdict.textContent = p ? `The network says ${best} (${(p[best] * 100).toFixed(1)}%)` : '';
  }
}

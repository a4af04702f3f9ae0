/** The test set's misclassified images and its confusion matrix, after an evaluation. */
import { classMetrics } from '../../src/index.js';
import type { TestSetMessage } from '../protocol.js';
import { grayCanvas } from './grayCanvas.js';

/** The gallery shows at most this many images (the first misclassified ones in file order). */
const GALLERY_SIZE = 60;

export function renderGallery(
  container: HTMLElement,
  test: TestSetMessage,
  predictions: Uint8Array,
  count: number,
  onPick: (index: number) => void,
): number {
  const px = test.height * test.width * test.channels;
  const figures: HTMLElement[] = [];
  let wrong = 0;
  for (let i = 0; i < count; i++) {
    if (predictions[i] === test.labels[i]) continue;
    wrong++;
    if (figures.length >= GALLERY_SIZE) continue;
    const label = `test image ${i}: true ${test.labels[i]}, predicted ${predictions[i]}`;
    const canvas = grayCanvas(
      {
        width: test.width,
        height: test.height,
        data: test.images.subarray(i * px, i * px + test.width * test.height),
      },
      label,
    );
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'gallery-item';
    button.setAttribute('aria-label', `${label}; show it in the drawing pad`);
    button.addEventListener('click', () => onPick(i));
    const caption = document.createElement('figcaption');
    caption.textContent = `${test.labels[i]} → ${predictions[i]}`;
    const f = document.createElement('figure');
    button.append(canvas);
    f.append(button, caption);
    figures.push(f);
  }
  container.replaceChildren(...figures);
  return wrong;
}

export function renderConfusion(
  container: HTMLElement,
  labels: Uint8Array,
  predictions: Uint8Array,
  count: number,
  numClasses: number,
): void {
  const { confusion } = classMetrics(predictions, labels, count, numClasses);
  const table = document.createElement('table');
  table.className = 'confusion';
  const caption = document.createElement('caption');
  caption.textContent = 'Rows: true class; columns: predicted class';
  const head = document.createElement('tr');
  const corner = document.createElement('th');
  corner.scope = 'col';
  corner.textContent = 'true \\ predicted';
  head.append(corner);
  for (let c = 0; c < numClasses; c++) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = String(c);
    head.append(th);
  }
  const thead = document.createElement('thead');
  thead.append(head);
  const body = document.createElement('tbody');
  confusion.forEach((row, t) => {
    const tr = document.createElement('tr');
    const th = document.createElement('th');
    th.scope = 'row';
    th.textContent = String(t);
    tr.append(th);
    row.forEach((n, p) => {
      const td = document.createElement('td');
      td.textContent = String(n);
      if (t === p) td.className = 'hit';
      else if (n > 0) td.className = 'miss';
      tr.append(td);
    });
    body.append(tr);
  });
  table.append(caption, thead, body);
  container.replaceChildren(table);
}

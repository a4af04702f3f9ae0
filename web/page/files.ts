/** Sorting the files a user picks or drops: a model file, or MNIST-format data files by name. */
import type { DataFiles } from '../protocol.js';

const MODEL_MAGIC = 'CNNTSMDL';

export async function isModelFile(file: File): Promise<boolean> {
  const head = new Uint8Array(await file.slice(0, 8).arrayBuffer());
  return new TextDecoder().decode(head) === MODEL_MAGIC;
}

const ROLES: [keyof DataFiles, RegExp][] = [
  ['trainImages', /^train-images/],
  ['trainLabels', /^train-labels/],
  ['testImages', /^t10k-images/],
  ['testLabels', /^t10k-labels/],
];

/** The four files by role, or an Error saying which file is not one or which are missing. */
export function dataFilesByName(files: readonly File[]): DataFiles {
  const found: Partial<DataFiles> = {};
  for (const f of files) {
    const role = ROLES.find(([, pattern]) => pattern.test(f.name));
    if (!role)
      throw new Error(
        `${f.name}: neither a cnn-ts model file nor an MNIST-format file name (train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte, plain or .gz)`,
      );
    found[role[0]] = f;
  }
  const missing = ROLES.filter(([role]) => !found[role]).map(([, p]) => p.source.slice(1));
  if (missing.length > 0)
    throw new Error(`MNIST-format data needs four files; missing: ${missing.join(', ')}`);
  return found as DataFiles;
}

/** Saves bytes as a download named `name`. */
export function download(bytes: Uint8Array, name: string): void {
  const url = URL.createObjectURL(
    new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }),
  );
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export type FileRole = 'model' | 'data' | 'any';

/**
 * Hands the files chosen in the two pickers, or dropped on the page, to `open`. A drop anywhere
 * is caught, so the browser never navigates away to show a dropped file.
 */
export function watchFileInputs(
  modelInput: HTMLInputElement,
  dataInput: HTMLInputElement,
  dropZone: HTMLElement,
  open: (files: File[], as: FileRole) => void,
): void {
  for (const [input, as] of [
    [modelInput, 'model'],
    [dataInput, 'data'],
  ] as const) {
    input.addEventListener('change', () => {
      open(Array.from(input.files ?? []), as);
      input.value = '';
    });
  }
  for (const target of [dropZone, document.body]) {
    target.addEventListener('dragover', (e) => {
      e.preventDefault();
      dropZone.classList.add('over');
    });
    target.addEventListener('dragleave', () => dropZone.classList.remove('over'));
    target.addEventListener('drop', (e) => {
      e.preventDefault();
      e.stopPropagation();
      dropZone.classList.remove('over');
      open(Array.from(e.dataTransfer?.files ?? []), 'any');
    });
  }
}

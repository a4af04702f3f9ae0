/** `cnn import`: reads an ONNX model (from PyTorch or `cnn export`) into a model file. */
import { readFileOrThrow, writeFileAtomic } from '../../src/io/files.js';
import { encodeModel } from '../../src/model/modelFile.js';
import { importOnnx } from '../../src/onnx/importOnnx.js';
import { commandFlags, UsageError } from '../args.js';
import { Output } from '../output.js';
import { ensureWritableFile } from '../outputFolder.js';

export const importHelp = `Usage: cnn import FILE.onnx --out FILE [--scale S --offset O] [--json]

Reads an ONNX model into a model file for evaluate, predict, visualize and the library.

Reads a chain of Conv, Relu, MaxPool, AveragePool, GlobalAveragePool, BatchNormalization,
Flatten or Reshape, Gemm or MatMul+Add, and Dropout, ending in the logits or a Softmax/LogSoftmax
(dropped: the model outputs logits); PyTorch's torch.onnx.export writes such graphs for small
CNNs. NCHW weights become the library's NHWC layouts. See docs/onnx.md.

The model file records how stored pixel bytes b become the network's input: b * scale + offset.
A graph written by 'cnn export' carries its scaling. For any other graph, give the scaling its
training used, e.g. --scale 1/255 --offset 0 for pixels in [0, 1], or for MNIST standardised with
mean 0.1307 and deviation 0.3081: --scale 0.012728233 --offset -0.424212918.

  --out FILE     the model file to write
  --scale S      the input scale (a number or a fraction such as 1/255)
  --offset O     the input offset (a number or a fraction)
  --json         print one JSON object as the last line of stdout
`;

/** The flags importHelp lists. */
const importFlags = {
  strings: ['out', 'scale', 'offset'],
  positionals: true,
} as const;

/** A number such as 0.5 or -2e-3, or a fraction such as 1/255. */
function numberOrFraction(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const parts = value.split('/');
  const n = parts.length === 2 ? Number(parts[0]) / Number(parts[1]) : Number(value);
  if (value.trim() === '' || parts.length > 2 || !Number.isFinite(n))
    throw new UsageError(`--${flag} must be a number or a fraction such as 1/255, got '${value}'`);
  return n;
}

export function importCommand(args: string[]): number {
  const flags = commandFlags(args, importHelp, importFlags);
  if (!flags) return 0;
  const { values, positionals } = flags;
  if (positionals.length !== 1) throw new UsageError('import needs one FILE.onnx');
  if (!values.out) throw new UsageError('import needs --out FILE');
  ensureWritableFile(values.out);
  const scale = numberOrFraction(values.scale, 'scale');
  const offset = numberOrFraction(values.offset, 'offset');
  if ((scale === undefined) !== (offset === undefined))
    throw new UsageError('give --scale and --offset together');
  const file = positionals[0];
  const out = new Output(values.json ?? false);
  const bytes = readFileOrThrow(file, 'ONNX file');
  let imported: ReturnType<typeof importOnnx>;
  try {
    imported = importOnnx(bytes, { scale, offset });
  } catch (e) {
    const message = (e as Error).message;
    if (scale === undefined && message.includes('takes its input as given'))
      throw new UsageError(
        `${file} takes its input as given: give --scale and --offset, the scaling its training used (e.g. --scale 1/255 --offset 0)`,
      );
    throw new Error(`${file}: ${message}`);
  }
  const { model, metadata } = imported;
  writeFileAtomic(values.out, encodeModel(model, { ...metadata, onnxFile: file }));
  out.line(model.summary());
  const { shape, scale: s, offset: o } = model.spec.input;
  out.line(
    `Wrote ${values.out}: input ${shape.join('x')} (HWC), pixel byte b enters as b * ${s} + ${o}`,
  );
  if (imported.outputActivation)
    out.line(
      `The graph's final ${imported.outputActivation} is left out: the model outputs logits (the same classes)`,
    );
  if (out.json)
    out.result({
      onnx: file,
      out: values.out,
      layers: model.spec.layers.map((l) => l.type),
      input: model.spec.input,
      outputActivation: imported.outputActivation ?? null,
    });
  return 0;
}

/**
 * The networks the bench measures, built at run time from what this checkout of the library
 * supports: the tutorial net always; the Keras-style MNIST CNN only once the library has ReLU;
 * the `best` preset only once src/presets.ts defines it. What is missing is skipped with a note.
 */
import { Sequential } from '../src/model/sequential.js';
import type { ModelSpec } from '../src/model/spec.js';
import { type Preset, presets, TUTORIAL_INPUT, tutorialPreset } from '../src/presets.js';

export type NetKey = 'tutorial' | 'keras' | 'best';

export interface BenchNet {
  key: NetKey;
  title: string;
  spec: ModelSpec;
  /** Training batch sizes to measure (full run; --quick may use fewer). */
  trainBatches: number[];
  inferBatches: number[];
  learningRate: number;
  /** The preset to train to the target accuracy, if any. */
  presetName?: string;
}

export interface NetLookup {
  nets: BenchNet[];
  notes: string[];
}

/** True when the library builds the spec and keeps every ReLU in it (unknown fields are dropped). */
function supports(spec: ModelSpec, needle: string): boolean {
  try {
    const model = new Sequential(spec, { seed: 1 });
    const kept = JSON.stringify(model.spec) + model.layers.map((l) => l.kind).join(' ');
    return kept.includes(needle);
  } catch {
    return false;
  }
}

/**
 * The Keras `mnist_cnn.py` network without dropout: conv 32@3x3 ReLU, conv 64@3x3 ReLU,
 * max-pool 2, dense 128 ReLU, dense 10. Tried with ReLU as its own layer and as an activation
 * option, with and without an explicit flatten, since branches may spell it either way.
 */
function kerasSpec(): ModelSpec | null {
  const relu = { type: 'relu' };
  const candidates: unknown[][] = [
    [
      { type: 'conv2d', filters: 32, kernelSize: 3, init: 'he' },
      relu,
      { type: 'conv2d', filters: 64, kernelSize: 3, init: 'he' },
      relu,
      { type: 'maxPool2d', poolSize: 2 },
      { type: 'dense', units: 128, init: 'he' },
      relu,
      { type: 'dense', units: 10, init: 'glorot' },
    ],
    [
      { type: 'conv2d', filters: 32, kernelSize: 3, init: 'he', activation: 'relu' },
      { type: 'conv2d', filters: 64, kernelSize: 3, init: 'he', activation: 'relu' },
      { type: 'maxPool2d', poolSize: 2 },
      { type: 'dense', units: 128, init: 'he', activation: 'relu' },
      { type: 'dense', units: 10, init: 'glorot' },
    ],
  ];
  for (const layers of candidates) {
    for (const withFlatten of [false, true]) {
      const list = withFlatten
        ? [...layers.slice(0, 5), { type: 'flatten' }, ...layers.slice(5)]
        : layers;
      const spec = { input: TUTORIAL_INPUT, layers: list } as unknown as ModelSpec;
      if (supports(spec, 'relu')) return spec;
    }
  }
  return null;
}

export function findNetworks(): NetLookup {
  const notes: string[] = [];
  const nets: BenchNet[] = [
    {
      key: 'tutorial',
      title: 'tutorial net',
      spec: tutorialPreset.spec,
      trainBatches: [1, 32, 128],
      inferBatches: [1, 256],
      learningRate: tutorialPreset.train.learningRate,
    },
  ];
  const keras = kerasSpec();
  if (keras) {
    nets.push({
      key: 'keras',
      title: 'Keras-style CNN',
      spec: keras,
      trainBatches: [128],
      inferBatches: [256],
      learningRate: 0.01,
    });
  } else {
    notes.push('Keras-style CNN (conv32-conv64-pool-dense128, ReLU): skipped, no ReLU layer yet.');
  }
  const best: Preset | undefined = (presets as Record<string, Preset | undefined>).best;
  if (best) {
    nets.push({
      key: 'best',
      title: '`best` preset net',
      spec: best.spec,
      trainBatches: [best.train.batchSize],
      inferBatches: [256],
      learningRate: best.train.learningRate,
      presetName: 'best',
    });
  } else {
    notes.push('`best` preset: skipped: no best preset yet in src/presets.ts.');
  }
  return { nets, notes };
}

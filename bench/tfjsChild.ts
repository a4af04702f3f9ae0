/**
 * Child process for the TensorFlow.js peer: the tutorial net as a tf.sequential model, trained
 * with tf.train.sgd on softmax cross-entropy (one minimize per batch: forward, loss, backward,
 * update) and run for inference with model.predict. The cpu backend does both; the wasm backend
 * only inference, since its stock build has no conv filter-gradient kernel.
 */
import { join } from 'node:path';
import type * as TF from '@tensorflow/tfjs';
import type * as WASM from '@tensorflow/tfjs-backend-wasm';
import { peerPackageDir, requirePeer } from '../peers/load.js';
import { defaultMnistDir, loadSplit } from '../src/data/mnistFiles.js';
import { reply } from './children.js';
import { measure } from './measure.js';
import type { BenchCase, CaseResult, TfjsChildConfig } from './protocol.js';
import { type TfInputs, tfCaseRunner, tfInputs, tutorialModel } from './tfjsTutorial.js';

type Tf = typeof TF;

async function loadTf(config: TfjsChildConfig): Promise<Tf> {
  const tf = requirePeer<Tf>('@tensorflow/tfjs');
  if (config.backend === 'wasm') {
    const wasm = requirePeer<typeof WASM>('@tensorflow/tfjs-backend-wasm');
    // Local binaries from peers/node_modules: nothing is fetched. A trailing slash marks a folder.
    wasm.setWasmPaths(`${join(peerPackageDir('@tensorflow/tfjs-backend-wasm'), 'dist')}/`);
  }
  if (!(await tf.setBackend(config.backend))) throw new Error(`backend ${config.backend} failed`);
  await tf.ready();
  return tf;
}

function runCase(tf: Tf, c: BenchCase, inputs: TfInputs, config: TfjsChildConfig) {
  const model = tutorialModel(tf);
  const timing = measure(tfCaseRunner(tf, model, c, inputs), c.batch, config.measure, inputs.count);
  model.dispose();
  return timing;
}

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2] ?? '{}') as TfjsChildConfig;
  let tf: Tf;
  try {
    tf = await loadTf(config);
  } catch (error) {
    const missing = (error as { code?: string }).code === 'ERR_MODULE_NOT_FOUND';
    const why = missing ? 'not installed (a devDependency: npm install)' : String(error);
    reply({ skipped: `@tensorflow/tfjs ${config.backend} backend ${why}` });
    return;
  }
  const data = loadSplit(defaultMnistDir(), 'train');
  const inputs = tfInputs(data, 8192); // distinct images enough for TF.js speeds, 26 MB as float32
  const results: CaseResult[] = [];
  for (const c of config.cases) {
    try {
      results.push({ id: c.id, ...runCase(tf, c, inputs, config) });
    } catch (error) {
      results.push({ id: c.id, error: String(error) });
    }
  }
  const versions: Record<string, string> = { tfjs: tf.version.tfjs, backend: tf.getBackend() };
  reply({ versions, results });
}

main();

/**
 * Turns one of our model specs into the PyTorch modules the peer builds, from each layer type's
 * PyTorch mapping in the layer registry (src/layers/registry.ts), so PyTorch trains the very
 * network cnn-ts trains and a new layer type needs nothing here or in torch_peer.py.
 */
import { torchModules } from '../src/layers/registry.js';
import { Sequential } from '../src/model/sequential.js';
import type { ModelSpec } from '../src/model/spec.js';
import type { PeerArch } from './protocol.js';

export function toPeerArch(spec: ModelSpec): PeerArch {
  // Building the model infers every layer's input shape, which the mappings need.
  const model = new Sequential(spec);
  const modules = model.spec.layers.flatMap((layer, i) => torchModules(layer, model.layers[i]));
  return { input: [...spec.input.shape], modules };
}

/**
 * Turns one of our model specs into the portable layer list the peers build, so PyTorch trains
 * the very network cnn-ts trains. Layer specs are read as plain objects because other branches
 * add layer types (ReLU, BatchNorm, ...): a type this file does not know makes the peer skip
 * that network with the reason, rather than measure a different one.
 */
import type { ModelSpec } from '../src/model/spec.js';
import type { PeerArch, PeerLayer } from './protocol.js';

type Obj = Record<string, unknown>;

const num = (v: unknown, fallback: number): number => (typeof v === 'number' ? v : fallback);
const bool = (v: unknown, fallback: boolean): boolean => (typeof v === 'boolean' ? v : fallback);

function activation(layer: Obj): PeerLayer[] {
  const a = layer.activation;
  if (a === undefined || a === 'linear' || a === 'none') return [];
  if (a === 'relu') return [{ type: 'relu' }];
  throw new Error(`activation ${JSON.stringify(a)} has no peer mapping`);
}

function peerLayers(layer: Obj): PeerLayer[] {
  switch (layer.type) {
    case 'conv2d': {
      const p = layer.padding;
      const padding = p === 'same' || typeof p === 'number' ? p : 'valid';
      const conv: PeerLayer = {
        type: 'conv2d',
        filters: num(layer.filters, 0),
        kernelSize: num(layer.kernelSize, 0),
        stride: num(layer.stride, 1),
        padding,
        useBias: bool(layer.useBias, true),
      };
      return [conv, ...activation(layer)];
    }
    case 'maxPool2d':
    case 'avgPool2d': {
      const poolSize = num(layer.poolSize, 2);
      return [{ type: layer.type, poolSize, stride: num(layer.stride, poolSize) }];
    }
    case 'dense':
      return [
        { type: 'dense', units: num(layer.units, 0), useBias: bool(layer.useBias, true) },
        ...activation(layer),
      ];
    case 'relu':
    case 'flatten':
      return [{ type: layer.type }];
    case 'batchNorm':
    case 'batchNorm2d':
      return [{ type: 'batchNorm' }];
    case 'dropout':
      return [{ type: 'dropout', rate: num(layer.rate, 0.5) }];
    default:
      throw new Error(`layer type ${JSON.stringify(layer.type)} has no peer mapping`);
  }
}

export function toPeerArch(spec: ModelSpec): PeerArch {
  const layers = (spec.layers as unknown as Obj[]).flatMap(peerLayers);
  return { input: [...spec.input.shape], layers };
}

/**
 * Weight initialisers. `tutorial` is the tutorial's scale (randn / (kernelH*kernelW) for conv,
 * randn / inputs for dense); `he` (randn * sqrt(2 / fanIn)) suits ReLU nets; `glorot` is
 * Glorot-uniform, U(-l, l) with l = sqrt(6 / (fanIn + fanOut)).
 */
import type { Random } from '../random/prng.js';
import type { FloatArray } from '../tensor/tensor.js';

/** Weight initialisation: the tutorial's `randn / fanIn`, He (ReLU nets) or Glorot. */
export type Init = 'tutorial' | 'he' | 'glorot';

export function initialise(
  w: FloatArray,
  init: Init,
  fanIn: number,
  fanOut: number,
  tutorialDivisor: number,
  rng: Random,
): void {
  if (init === 'glorot') {
    const limit = Math.sqrt(6 / (fanIn + fanOut));
    for (let i = 0; i < w.length; i++) w[i] = (2 * rng.uniform() - 1) * limit;
    return;
  }
  const scale = init === 'he' ? Math.sqrt(2 / fanIn) : 1 / tutorialDivisor;
  for (let i = 0; i < w.length; i++) w[i] = rng.gaussian() * scale;
}

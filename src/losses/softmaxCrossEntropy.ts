/**
 * The loss at the end of every classifier: softmax + cross-entropy fused (tutorial 3.1.5.2, 3.1.7).
 * `forward` returns the mean loss over the batch and keeps probabilities and dL/dlogits.
 */
import { softmaxCrossEntropy } from '../kernels/softmaxCrossEntropy.js';
import { BufferCache } from '../layers/layer.js';
import type { DType, Tensor } from '../tensor/tensor.js';

/** The fused softmax and cross-entropy loss, `logsumexp(z) - z[label]`, gradient `p - onehot`. */
export class SoftmaxCrossEntropy {
  private readonly buffers: BufferCache;
  private lastGrad: Tensor | null = null;
  private lastProbs: Tensor | null = null;

  constructor(readonly dtype: DType = 'float32') {
    this.buffers = new BufferCache(dtype);
  }

  /** Mean loss of logits [N, C] against labels; keeps the gradient for `backward`. */
  forward(logits: Tensor, labels: ArrayLike<number>): number {
    const [N, C] = logits.shape;
    if (labels.length < N) throw new Error(`need ${N} labels, got ${labels.length}`);
    const probs = this.buffers.get('probs', logits.shape);
    const grad = this.buffers.get('grad', logits.shape);
    const total = softmaxCrossEntropy(probs.data, grad.data, logits.data, labels, N, C, 1 / N);
    this.lastGrad = grad;
    this.lastProbs = probs;
    return total / N;
  }

  /** Probabilities of the last forward, [N, C]. */
  probabilities(): Tensor {
    if (!this.lastProbs) throw new Error('loss.probabilities called before forward');
    return this.lastProbs;
  }

  /** Gives the buffers back at once (see tensor.ts release); for a loss used for one call. */
  release(): void {
    this.buffers.release();
    this.lastGrad = null;
    this.lastProbs = null;
  }

  /** dL/dlogits = (p - onehot) / N. */
  backward(): Tensor {
    if (!this.lastGrad) throw new Error('loss.backward called before forward');
    return this.lastGrad;
  }
}

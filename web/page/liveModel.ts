/**
 * The page's copy of the network being trained, for drawing-pad predictions and pictures. The
 * worker sends the model file when the network changes and fresh weights while it trains; a
 * prediction here takes well under a frame and never waits for a training slice.
 */
import type { GrayImage } from '../../src/image/raster.js';
import { classify, decodeModel, preprocessDigit, type Sequential } from '../../src/index.js';

export class LiveModel {
  model: Sequential | null = null;

  setModelFile(bytes: Uint8Array): void {
    this.model = decodeModel(bytes).model;
  }

  /** Copies weights (parameters, then saved state, in model-file order) into the model. */
  setWeights(arrays: Float32Array[]): void {
    if (!this.model) return;
    const targets = [...this.model.params(), ...this.model.stateTensors()];
    if (targets.length !== arrays.length) return; // a message from before a model change
    targets.forEach((t, i) => {
      if (t.value.length === arrays[i].length) t.value.set(arrays[i]);
    });
  }

  /** 28x28 MNIST-like bytes from a drawing, exactly as `cnn predict` prepares a picture. */
  static prepare(picture: GrayImage): Uint8Array {
    return preprocessDigit(picture).pixels;
  }

  probabilities(pixels: Uint8Array): number[] | null {
    return this.model ? classify(this.model, pixels) : null;
  }
}

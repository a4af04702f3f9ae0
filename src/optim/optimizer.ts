/**
 * What an optimizer is: it steps the parameters with the gradients the layers accumulated, then
 * zeroes those gradients. Stateful optimizers expose their state (step count and per-parameter
 * slots such as momentum) so a checkpoint can resume a run bit for bit.
 */
import type { Param } from '../layers/layer.js';
import { allocate, type FloatArray } from '../tensor/tensor.js';

/** An optimizer's step count and per-parameter slots (momentum, Adam's moments), as checkpoints store them. */
export interface OptimizerState {
  /** Steps taken so far (Adam's bias correction needs it). */
  step: number;
  /** Slot name -> one array per parameter, in the model's parameter order. */
  slots: Record<string, FloatArray[]>;
}

/** Updates parameters from their accumulated gradients, then zeroes the gradients. */
export interface Optimizer {
  readonly kind: string;
  /** One update of every parameter at this learning rate. */
  step(params: readonly Param[], learningRate: number): void;
  /** Step count and per-parameter slots, for checkpoints. */
  getState(): OptimizerState;
  /** Restores a state for these params; throws if the slots do not fit them. */
  setState(params: readonly Param[], state: OptimizerState): void;
}

/**
 * Weight decay applies to weight tensors (conv filters, dense weights: rank >= 2) only; biases
 * and batch norm's gamma/beta are not decayed, the usual practice.
 */
export function decays(p: Param): boolean {
  return p.shape.length >= 2;
}

/** Lazily allocated per-parameter slots of the same type and length as the parameters. */
export function ensureSlots(slots: FloatArray[], params: readonly Param[]): FloatArray[] {
  if (slots.length === 0) {
    // float32 slots in the arena (next to their weights), where the SIMD update reaches them.
    for (const p of params)
      slots.push(allocate(p.value instanceof Float64Array ? 'float64' : 'float32', p.value.length));
  }
  return slots;
}

export function restoreSlots(
  target: FloatArray[],
  params: readonly Param[],
  saved: FloatArray[] | undefined,
  name: string,
): void {
  if (!saved || saved.length !== params.length)
    throw new Error(
      `optimizer state has no '${name}' slot for each of the ${params.length} parameters`,
    );
  target.length = 0;
  ensureSlots(target, params);
  saved.forEach((s, i) => {
    if (s.length !== params[i].value.length)
      throw new Error(
        `optimizer slot '${name}' ${i + 1} has ${s.length} values, expected ${params[i].value.length}`,
      );
    target[i].set(s);
  });
}

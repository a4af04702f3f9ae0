/**
 * Learning-rate schedules: the learning rate of every optimizer step as a function of the step
 * number (0-based, counted over the whole run), so a resumed run gets the same rates.
 *   constant  lr
 *   step      lr * factor^floor(epoch / everyEpochs)
 *   cosine    linear warm-up from ~0 over warmupEpochs, then lr * (min + (1 - min)(1 + cos(pi p)) / 2)
 *   oneCycle  linear lr/div -> lr over the first `peak` fraction, then cosine down to lr/finalDiv
 *             (Smith & Topin 2018, as PyTorch's OneCycleLR with linear warm-up)
 */
export type ScheduleSpec =
  | { type: 'constant' }
  | { type: 'step'; everyEpochs: number; factor: number }
  | { type: 'cosine'; warmupEpochs?: number; minFactor?: number }
  | { type: 'oneCycle'; peak?: number; div?: number; finalDiv?: number };

export const scheduleTypes = ['constant', 'step', 'cosine', 'oneCycle'] as const;

/** The learning rate at a step of training under a schedule. */
export function learningRateAt(
  spec: ScheduleSpec,
  baseLr: number,
  step: number,
  stepsPerEpoch: number,
  totalSteps: number,
): number {
  switch (spec.type) {
    case 'constant':
      return baseLr;
    case 'step':
      return baseLr * spec.factor ** Math.floor(step / stepsPerEpoch / spec.everyEpochs);
    case 'cosine': {
      const warmup = Math.round((spec.warmupEpochs ?? 0) * stepsPerEpoch);
      if (step < warmup) return (baseLr * (step + 1)) / warmup;
      const p = Math.min(1, (step - warmup) / Math.max(1, totalSteps - warmup));
      const min = spec.minFactor ?? 0;
      return baseLr * (min + ((1 - min) * (1 + Math.cos(Math.PI * p))) / 2);
    }
    case 'oneCycle': {
      const up = Math.max(1, Math.round((spec.peak ?? 0.25) * totalSteps));
      const start = baseLr / (spec.div ?? 25);
      const end = baseLr / (spec.finalDiv ?? 1e4);
      if (step < up) return start + ((baseLr - start) * step) / up;
      const p = Math.min(1, (step - up) / Math.max(1, totalSteps - up));
      return end + ((baseLr - end) * (1 + Math.cos(Math.PI * p))) / 2;
    }
  }
}

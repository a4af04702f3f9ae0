/**
 * Slow, obviously-correct batch norm for tests: one channel at a time, straight from the
 * formulas (Ioffe & Szegedy 2015, algorithm 1 and its backward), no shared sums.
 */
export function batchNormTrainingReference(
  input: ArrayLike<number>,
  gamma: ArrayLike<number>,
  beta: ArrayLike<number>,
  rows: number,
  C: number,
  epsilon: number,
): { out: Float64Array; mean: Float64Array; variance: Float64Array } {
  const out = new Float64Array(rows * C);
  const mean = new Float64Array(C);
  const variance = new Float64Array(C);
  for (let c = 0; c < C; c++) {
    let s = 0;
    for (let r = 0; r < rows; r++) s += input[r * C + c];
    mean[c] = s / rows;
    let v = 0;
    for (let r = 0; r < rows; r++) v += (input[r * C + c] - mean[c]) ** 2;
    variance[c] = v / rows;
    for (let r = 0; r < rows; r++) {
      const xhat = (input[r * C + c] - mean[c]) / Math.sqrt(variance[c] + epsilon);
      out[r * C + c] = gamma[c] * xhat + beta[c];
    }
  }
  return { out, mean, variance };
}

/** Gradients of sum(dOut * y) through the training-mode forward, by the chain rule term by term. */
export function batchNormBackwardReference(
  dOut: ArrayLike<number>,
  input: ArrayLike<number>,
  gamma: ArrayLike<number>,
  rows: number,
  C: number,
  epsilon: number,
): { dIn: Float64Array; dGamma: Float64Array; dBeta: Float64Array } {
  const dIn = new Float64Array(rows * C);
  const dGamma = new Float64Array(C);
  const dBeta = new Float64Array(C);
  const { mean, variance } = batchNormTrainingReference(input, gamma, gamma, rows, C, epsilon);
  for (let c = 0; c < C; c++) {
    const std = Math.sqrt(variance[c] + epsilon);
    const x = (r: number) => input[r * C + c];
    const dy = (r: number) => dOut[r * C + c];
    let dVar = 0;
    let dMean = 0;
    for (let r = 0; r < rows; r++) {
      const dxhat = dy(r) * gamma[c];
      dGamma[c] += dy(r) * ((x(r) - mean[c]) / std);
      dBeta[c] += dy(r);
      dVar += dxhat * (x(r) - mean[c]) * -0.5 * std ** -3;
      dMean += -dxhat / std;
    }
    for (let r = 0; r < rows; r++) dMean += (dVar * -2 * (x(r) - mean[c])) / rows;
    for (let r = 0; r < rows; r++) {
      dIn[r * C + c] =
        (dy(r) * gamma[c]) / std + (dVar * 2 * (x(r) - mean[c])) / rows + dMean / rows;
    }
  }
  return { dIn, dGamma, dBeta };
}

/**
 * Inference mode with given running statistics, forward and the gradients of sum(dOut * y):
 * y = gamma * (x - mean) / sqrt(var + eps) + beta, a fixed affine map per channel.
 */
export function batchNormInferenceReference(
  input: ArrayLike<number>,
  dOut: ArrayLike<number>,
  gamma: ArrayLike<number>,
  beta: ArrayLike<number>,
  runningMean: ArrayLike<number>,
  runningVar: ArrayLike<number>,
  rows: number,
  C: number,
  epsilon: number,
): { out: Float64Array; dIn: Float64Array; dGamma: Float64Array; dBeta: Float64Array } {
  const out = new Float64Array(rows * C);
  const dIn = new Float64Array(rows * C);
  const dGamma = new Float64Array(C);
  const dBeta = new Float64Array(C);
  for (let c = 0; c < C; c++) {
    const std = Math.sqrt(runningVar[c] + epsilon);
    for (let r = 0; r < rows; r++) {
      const i = r * C + c;
      const xhat = (input[i] - runningMean[c]) / std;
      out[i] = gamma[c] * xhat + beta[c];
      dIn[i] = (dOut[i] * gamma[c]) / std;
      dGamma[c] += dOut[i] * xhat;
      dBeta[c] += dOut[i];
    }
  }
  return { out, dIn, dGamma, dBeta };
}

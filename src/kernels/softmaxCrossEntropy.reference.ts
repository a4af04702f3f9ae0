/**
 * The tutorial's own formulation, kept as the reference twin: softmax out = exp(t) / S,
 * L = -ln(out[c]), dL/dout[c] = -1/out[c], and the derived dout[c]/dt (3.1.7):
 *   -e^{t_c} e^{t_k} / S^2 for k != c,   e^{t_c} (S - e^{t_c}) / S^2 for k = c.
 * It uses `=` where the tutorial's printed code has `dout_dt[i] += ...` (a bug: it double counts
 * the diagonal term) and looks only at the label's entry, the `if gradient == 0: continue` the
 * printed loop is missing. Unstable for large logits by design: it is the textbook, not the engine.
 */
export function tutorialSoftmaxCrossEntropy(
  logits: ArrayLike<number>,
  label: number,
): { loss: number; probs: number[]; dLogits: number[] } {
  const tExp = Array.from(logits, Math.exp);
  const S = tExp.reduce((a, b) => a + b, 0);
  const probs = tExp.map((e) => e / S);
  const loss = -Math.log(probs[label]);
  const gradient = -1 / probs[label];
  const doutDt = tExp.map((e) => (-tExp[label] * e) / (S * S));
  doutDt[label] = (tExp[label] * (S - tExp[label])) / (S * S);
  return { loss, probs, dLogits: doutDt.map((d) => gradient * d) };
}

/**
 * The index of the largest of `length` values starting at `offset`; the first one on ties, as
 * NumPy's, PyTorch's and TF.js's argmax. Picks the predicted class from a row of logits.
 */
export function argmax(
  values: ArrayLike<number>,
  offset = 0,
  length = values.length - offset,
): number {
  let best = 0;
  for (let i = 1; i < length; i++) if (values[offset + i] > values[offset + best]) best = i;
  return best;
}

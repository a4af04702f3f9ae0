/**
 * Classification metrics from predictions and labels: the confusion matrix (rows = true class,
 * columns = predicted class) and per-class precision and recall. A class never predicted has
 * precision 0 (no true positives); a class absent from the labels has recall 0.
 */
export interface ClassMetrics {
  /** confusion[t][p] = samples of true class t predicted as p. */
  confusion: number[][];
  precision: number[];
  recall: number[];
  /** Samples of each true class. */
  support: number[];
}

/** Confusion matrix and per-class precision and recall from labels and predictions. */
export function classMetrics(
  predictions: ArrayLike<number>,
  labels: ArrayLike<number>,
  count: number,
  numClasses: number,
): ClassMetrics {
  const confusion = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  for (let i = 0; i < count; i++) confusion[labels[i]][predictions[i]]++;
  const precision: number[] = [];
  const recall: number[] = [];
  const support: number[] = [];
  for (let c = 0; c < numClasses; c++) {
    const tp = confusion[c][c];
    let predicted = 0;
    let actual = 0;
    for (let k = 0; k < numClasses; k++) {
      predicted += confusion[k][c];
      actual += confusion[c][k];
    }
    precision.push(predicted > 0 ? tp / predicted : 0);
    recall.push(actual > 0 ? tp / actual : 0);
    support.push(actual);
  }
  return { confusion, precision, recall, support };
}

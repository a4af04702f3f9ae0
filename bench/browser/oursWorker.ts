/**
 * Module Web Worker that measures cnn-ts. The engine code is not in this file's bundle: it is
 * imported from engine.js, the same bundle the Node run imports.
 */
import { fetchTrainingBytes, scope, serve } from './workerScope.js';

type Engine = typeof import('./engineCases.js');

serve(async (run) => {
  // A computed URL, so esbuild leaves the import to the browser.
  const url = new URL('./engine.js', scope.location.href).href;
  const { runEngine } = (await import(url)) as Engine;
  const { images, labels } = await fetchTrainingBytes();
  return runEngine(run, images, labels, 'browser module worker');
});

/**
 * The bench page's script: the runner (run.ts) calls `benchPage.run(engineRun)` through
 * Playwright for one engine at a time; each run gets a fresh worker, ended when it answers.
 * cnn-ts runs in a module worker, the peers in a classic one (their libraries are scripts).
 */
import type { EngineResult, EngineRun, PageInfo, WorkerReply } from './protocol.js';

function info(): PageInfo {
  return {
    userAgent: navigator.userAgent,
    crossOriginIsolated: globalThis.crossOriginIsolated === true,
    hardwareConcurrency: navigator.hardwareConcurrency,
  };
}

function run(request: EngineRun): Promise<EngineResult> {
  const ours = request.engine.startsWith('cnn-ts');
  const worker = ours
    ? new Worker('/ours-worker.js', { type: 'module' })
    : new Worker('/peer-worker.js');
  return new Promise<EngineResult>((resolve, reject) => {
    worker.onmessage = (event: MessageEvent<WorkerReply>) => {
      worker.terminate();
      const reply = event.data;
      if ('error' in reply) reject(new Error(`${request.engine}: ${reply.error}`));
      else resolve(reply.result);
    };
    worker.onerror = (event) => {
      worker.terminate();
      reject(new Error(`${request.engine}: worker failed: ${event.message}`));
    };
    worker.postMessage(request);
  });
}

(globalThis as unknown as { benchPage: unknown }).benchPage = { info, run };
document.title = 'cnn-ts browser benchmark: ready';

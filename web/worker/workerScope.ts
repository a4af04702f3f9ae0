/** The few parts of a worker's global scope the playground's workers use (the DOM lib lacks them). */
export interface WorkerScope {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  readonly crossOriginIsolated: boolean;
  readonly location: { href: string };
}

export const workerScope = globalThis as unknown as WorkerScope;

const channel = new MessageChannel();
const waiting: (() => void)[] = [];
channel.port1.onmessage = () => waiting.shift()?.();

/** Lets queued messages run, without the 4 ms clamp nested timers get. */
export function yieldToEvents(): Promise<void> {
  return new Promise((resolve) => {
    waiting.push(resolve);
    channel.port2.postMessage(null);
  });
}

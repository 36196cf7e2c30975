/**
 * Captures what a local Lambda handler writes with `console.*` into its attempt's log. The console is patched
 * once and routes each call through AsyncLocalStorage, so concurrent invocations each get their own lines and
 * code outside any invocation still prints as before.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { format } from 'node:util';

/** Receives one formatted line (`INFO\t<message>`) of captured console output. */
export type ConsoleSink = (line: string) => void;

const LEVELS = {
  log: 'INFO',
  info: 'INFO',
  warn: 'WARN',
  error: 'ERROR',
  debug: 'DEBUG',
  trace: 'TRACE',
} as const;

const sinks = new AsyncLocalStorage<ConsoleSink>();
let installed = false;

function install(): void {
  if (installed) return;
  installed = true;
  for (const [method, level] of Object.entries(LEVELS) as [keyof typeof LEVELS, string][]) {
    const original = console[method].bind(console);
    console[method] = (...args: unknown[]) => {
      const sink = sinks.getStore();
      if (sink === undefined) original(...args);
      else sink(`${level}\t${format(...args)}`);
    };
  }
}

/** Runs `fn` with its console output (and that of everything it awaits) sent to `sink`. */
export function captureConsole<T>(sink: ConsoleSink, fn: () => T): T {
  install();
  return sinks.run(sink, fn);
}

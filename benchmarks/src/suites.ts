import type { SuiteEntry } from './runner.js';

/**
 * Every benchmark suite, in the order they run. A package adds its own by putting a module
 * under `src/suites/` that exports `suite` (see harness.ts) and listing it here.
 */
export const suites: readonly SuiteEntry[] = [
  { name: 'replay', module: new URL('./suites/replay.ts', import.meta.url) },
  { name: 'transform', module: new URL('./suites/transform.ts', import.meta.url) },
  { name: 'heap', module: new URL('./suites/heap.ts', import.meta.url) },
  { name: 'storage', module: new URL('./suites/storage.ts', import.meta.url) },
  { name: 'protocol', module: new URL('./suites/protocol.ts', import.meta.url) },
  { name: 'transport', module: new URL('./suites/transport.ts', import.meta.url) },
  { name: 'workspace', module: new URL('./suites/workspace.ts', import.meta.url) },
  { name: 'server', module: new URL('./suites/server.ts', import.meta.url) },
  { name: 'client', module: new URL('./suites/client.ts', import.meta.url) },
];

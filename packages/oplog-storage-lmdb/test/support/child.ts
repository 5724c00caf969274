import { type ChildProcess, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';

/** The repository root, where tsx and the workspace packages resolve. */
export const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

/** The path of a script in this directory. */
export function supportScript(name: string): string {
  return fileURLToPath(new URL(name, import.meta.url));
}

// Children run a bundle of their script (sources resolved through the `@dist-space/source`
// condition, lmdb left to node_modules): it starts in about 0.2 s where tsx takes 1.5 s, which
// decides how many kill rounds fit in a test. Bundles live next to node_modules, where `lmdb`
// resolves.
const bundleDir = join(repoRoot, 'node_modules', '.cache', 'dist-space-tests', String(process.pid));
const bundles = new Map<string, string>();
process.once('exit', () => rmSync(bundleDir, { recursive: true, force: true }));

function bundle(script: string): string {
  let outfile = bundles.get(script);
  if (outfile === undefined) {
    outfile = join(bundleDir, script.replace(/\.ts$/, '.mjs'));
    buildSync({
      entryPoints: [supportScript(script)],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      conditions: ['@dist-space/source'],
      external: ['lmdb'],
      outfile,
      logLevel: 'warning',
    });
    bundles.set(script, outfile);
  }
  return outfile;
}

/** What a finished child did. */
export interface ChildOutcome {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Its stdout, one entry per line, without the empty last one. */
  readonly lines: string[];
  readonly stderr: string;
}

/** Options for {@link startChild}. */
export interface ChildOptions {
  /** `ulimit -f` for the child, in KiB: its files cannot grow past this. */
  readonly fileSizeLimitKiB?: number;
  /** Called with each line of stdout as it arrives. */
  readonly onLine?: (line: string) => void;
}

/** Starts a TypeScript script of this directory in a new Node process. */
export function startChild(
  script: string,
  args: readonly string[],
  options: ChildOptions = {},
): { child: ChildProcess; done: Promise<ChildOutcome> } {
  const node = [process.execPath, bundle(script), ...args];
  const child =
    options.fileSizeLimitKiB === undefined
      ? spawn(node[0]!, node.slice(1), { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn('bash', ['-c', `ulimit -f ${options.fileSizeLimitKiB}; exec "$0" "$@"`, ...node], {
          cwd: repoRoot,
          stdio: ['ignore', 'pipe', 'pipe'],
        });
  const lines: string[] = [];
  let partial = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (data: string) => {
    const parts = (partial + data).split('\n');
    partial = parts.pop()!;
    for (const line of parts) {
      lines.push(line);
      options.onLine?.(line);
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (data: string) => {
    stderr += data;
  });
  const done = new Promise<ChildOutcome>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, lines, stderr }));
  });
  return { child, done };
}

/** Runs a script to its end (or kills it after `timeoutMs`) and returns what it did. */
export async function runChild(
  script: string,
  args: readonly string[],
  options: ChildOptions & { timeoutMs?: number } = {},
): Promise<ChildOutcome> {
  const { child, done } = startChild(script, args, options);
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 20_000);
  try {
    return await done;
  } finally {
    clearTimeout(timer);
  }
}

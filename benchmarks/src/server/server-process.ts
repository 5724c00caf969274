import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { TYPESCRIPT_CHILD_OPTIONS } from '../runner.js';

// The server of a measured system runs in a child process of its own (see benchmarks/README.md,
// "Server"): this is both sides of that arrangement, the parent's handle and the messages.

/** What a server child tells its parent. */
export type ServerReport =
  | { readonly type: 'listening'; readonly url: string }
  | { readonly type: 'cpu'; readonly usage: NodeJS.CpuUsage }
  | { readonly type: 'stopped' }
  | { readonly type: 'failed'; readonly error: string };

/** What a parent tells its server child. */
export type ServerCommand = { readonly type: 'stop' } | { readonly type: 'cpu' };

/** A server running in a child process. */
export interface ServerProcess {
  /** Where it listens, `ws://127.0.0.1:PORT/`. */
  readonly url: string;
  /** The CPU time the server process has used so far (`process.cpuUsage()` there). */
  cpuUsage(): Promise<NodeJS.CpuUsage>;
  /** Shuts the server down gracefully and waits for the process to exit. */
  stop(): Promise<void>;
}

/**
 * When set to a directory, each server child writes a V8 CPU profile there (`--cpu-prof`), to
 * see where a server's time goes under the benchmark's load.
 */
export const CPU_PROFILE_DIR_VARIABLE = 'DIST_SPACE_BENCH_SERVER_PROF';

/** Starts `module` (a server entry such as ours-server.ts) in a child and waits for its URL. */
export function startServerProcess(module: URL): Promise<ServerProcess> {
  const profileDir = process.env[CPU_PROFILE_DIR_VARIABLE];
  const child = fork(fileURLToPath(module), [], {
    execArgv: [
      ...TYPESCRIPT_CHILD_OPTIONS,
      ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []),
    ],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    const failed = (why: string) => {
      child.kill();
      reject(new Error(`The server child ${module.pathname} failed: ${why}`));
    };
    const early = (code: number | null, signal: string | null) =>
      failed(`it exited (${signal ?? code}) before listening`);
    child.once('exit', early);
    child.once('message', (message) => {
      const report = message as ServerReport;
      if (report.type !== 'listening') {
        failed(report.type === 'failed' ? report.error : `it said ${report.type}`);
        return;
      }
      child.off('exit', early);
      resolve({
        url: report.url,
        cpuUsage() {
          return new Promise((answer) => {
            const listen = (message: unknown) => {
              const reply = message as ServerReport;
              if (reply.type !== 'cpu') return;
              child.off('message', listen);
              answer(reply.usage);
            };
            child.on('message', listen);
            const command: ServerCommand = { type: 'cpu' };
            child.send(command);
          });
        },
        async stop() {
          const command: ServerCommand = { type: 'stop' };
          child.send(command);
          const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
          await exited;
          clearTimeout(timer);
        },
      });
    });
  });
}

/**
 * Runs `body` with a server of `module`: `reused` when given (a smoke run, which only proves that
 * everything runs and verifies, shares one server per system), or else a fresh one, so that no
 * timed run inherits another's documents, history or heap, stopped afterwards.
 */
export async function withServerProcess<T>(
  module: URL,
  reused: ServerProcess | undefined,
  body: (server: ServerProcess) => Promise<T>,
): Promise<T> {
  if (reused) return body(reused);
  const server = await startServerProcess(module);
  try {
    return await body(server);
  } finally {
    await server.stop();
  }
}

/**
 * The child's side: reports where `start` made the server listen, and on `stop` (or when the
 * parent goes away) runs what `start` returned and exits.
 */
export function serveFromChild(start: () => Promise<{ url: string; stop(): Promise<void> }>): void {
  const send = (report: ServerReport) =>
    new Promise<void>((resolve) => process.send!(report, () => resolve()));
  start().then(
    async (server) => {
      let stopping: Promise<void> | undefined;
      const stop = () => {
        stopping ??= server
          .stop()
          .then(() => send({ type: 'stopped' }))
          .finally(() => process.exit(0));
        return stopping;
      };
      process.on('message', (message) => {
        const command = message as ServerCommand;
        if (command.type === 'stop') void stop();
        else if (command.type === 'cpu') void send({ type: 'cpu', usage: process.cpuUsage() });
      });
      process.on('disconnect', () => void stop());
      await send({ type: 'listening', url: server.url });
    },
    async (error: unknown) => {
      await send({
        type: 'failed',
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      });
      process.exit(1);
    },
  );
}

import { type ChildProcess, spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Result } from '@dist-space/ot-core';
import { DEFAULT_SERVER_CONFIG, parseCommandLine, readServerConfig } from '@dist-space/server';
import type { Connection } from '@dist-space/transport-adapters';
import { afterEach, describe, expect, it } from 'vitest';
import { TestClient, tempDirsRemovedAfterEach } from './support/harness.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const bin = fileURLToPath(new URL('../src/bin.ts', import.meta.url));

const tempDir = tempDirsRemovedAfterEach('dist-space-start-');
// Registered after the directories' hook, so it runs before it (vitest runs after-hooks as a
// stack): a server still running is killed before its data directory goes.
let children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  children = [];
});

/** Starts the server binary and waits (bounded) until it prints where it listens. */
function run(
  args: string[],
): Promise<{ child: ChildProcess; out: () => string; url: string; token?: string }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--conditions=@dist-space/source', bin, ...args],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  children.push(child);
  let out = '';
  let errOut = '';
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr!.on('data', (d: Buffer) => {
    errOut += d.toString();
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no start within 20 s: ${out} ${errOut}`)),
      20_000,
    );
    const check = () => {
      const url = /listening on (wss?:\/\/\S+)/.exec(out)?.[1];
      if (url && out.includes('Ctrl-C')) {
        clearTimeout(timer);
        const token = /development token[^\n]*\n\s+(\S+)/.exec(out)?.[1];
        resolve({ child, out: () => out, url, ...(token ? { token } : {}) });
      }
    };
    child.stdout!.on('data', check);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code}: ${out} ${errOut}`));
    });
  });
}

function exited(child: ChildProcess, timeoutMs = 15_000): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('did not exit')), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

describe('dist-space-server (npm start)', () => {
  it('starts on LMDB with a development token, serves a session, and stops cleanly on SIGINT', async () => {
    const data = await tempDir();
    const { child, url, token } = await run([
      '--port',
      '0',
      '--data-dir',
      data,
      '--dev-token',
      '--log-level',
      'warn',
    ]);
    expect(token).toBeDefined();
    const port = Number(new URL(url).port);
    const client = await TestClient.connect({ wsUrl: url, tcpPort: 0 } as never);
    const welcome = await client.hello(token);
    expect(welcome.subject).toBe('developer');
    const { revision } = await client.open('demo');
    expect(revision).toBe(0);
    expect(port).toBeGreaterThan(0);
    child.kill('SIGINT');
    expect((await client.next('Goodbye')).error.code).toBe('SHUTTING_DOWN');
    expect(await exited(child)).toBe(0);
  });

  it('still stops on SIGTERM when whoever read its stdout has gone (a closed pipe)', async () => {
    // `dist-space-server | head -5`, or a log shipper that died: the log records of the shutdown
    // meet a closed pipe. An exit must not wait forever to flush them.
    const data = await tempDir();
    const { child } = await run([
      '--port',
      '0',
      '--store',
      'memory',
      '--data-dir',
      data,
      '--dev-token',
    ]);
    child.stdout!.destroy();
    child.kill('SIGTERM');
    expect(await exited(child)).toBe(0);
  });

  it('refuses to start without any authentication configured, with exit code 2', async () => {
    const data = await tempDir();
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--conditions=@dist-space/source',
        bin,
        '--port',
        '0',
        '--data-dir',
        data,
      ],
      {
        cwd: root,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    children.push(child);
    let errOut = '';
    child.stderr!.on('data', (d: Buffer) => {
      errOut += d.toString();
    });
    expect(await exited(child)).toBe(2);
    expect(errOut).toContain('No authentication is configured');
  });

  it('reads a config file, with the command line on top', async () => {
    const data = await tempDir();
    const file = join(data, 'config.json');
    await writeFile(
      file,
      JSON.stringify({
        host: '127.0.0.2',
        port: 0,
        store: 'memory',
        auth: { devToken: true },
        limits: { maxWorkspacesOpen: 5 },
      }),
    );
    const { child, url, out } = await run([
      '--config',
      file,
      '--host',
      '127.0.0.1',
      '--data-dir',
      data,
      '--log-level',
      'silent',
    ]);
    // The host from the command line, the store from the file.
    expect(url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/$/);
    expect(out()).toContain('in memory');
    child.kill('SIGTERM');
    expect(await exited(child)).toBe(0);
  });
});

describe('configuration', () => {
  it('reads every section and refuses unknown or mistyped settings by name', () => {
    const good = readServerConfig({
      port: 0,
      tcpPort: 9000,
      tls: { certFile: 'c.pem', keyFile: 'k.pem' },
      auth: { jwtSecretFile: 's', anonymous: { scopes: ['read:**'], workspaces: ['demo'] } },
      limits: { maxFilesPerWorkspace: 10 },
      connection: { maxConnections: 5 },
      persistence: { snapshotEveryRevisions: 10 },
      logLevel: 'debug',
    });
    expect(good.ok && good.value).toMatchObject({
      tcpPort: 9000,
      limits: { maxFilesPerWorkspace: 10, maxChangeOps: DEFAULT_SERVER_CONFIG.limits.maxChangeOps },
      connection: { maxConnections: 5 },
    });
    const cases: Array<[unknown, string]> = [
      [{ prot: 1 }, "unknown setting 'prot'"],
      [{ port: 70000 }, "'port'"],
      [{ limits: { maxFiles: 1 } }, "unknown setting 'limits.maxFiles'"],
      [{ limits: { maxFilesPerWorkspace: -1 } }, "'limits.maxFilesPerWorkspace'"],
      [{ store: 'sqlite' }, "'store'"],
      [{ logLevel: 'loud' }, "'logLevel'"],
      [{ tls: { certFile: 'c' } }, "'tls.keyFile'"],
      [[], 'must be an object of settings'],
      [{ connection: { maxConnections: 0 } }, "'connection': maxConnections"],
      [{ connection: { maxFrameSize: 100, maxBufferedBytes: 10 } }, 'at least maxFrameSize'],
    ];
    for (const [input, message] of cases) {
      const r = readServerConfig(input, DEFAULT_SERVER_CONFIG, 'test.json');
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.error.code).toBe('INVALID_CONFIG');
        expect(r.error.message).toContain(message);
        expect(r.error.message).toContain('test.json');
      }
    }
  });

  it('lays the command line over the config file, section by section', () => {
    const file = readServerConfig(
      { port: 1234, limits: { maxWorkspacesOpen: 5 }, auth: { jwtSecretFile: 's' } },
      DEFAULT_SERVER_CONFIG,
      'f.json',
    );
    const cli = parseCommandLine(['--port', '0', '--allow-anonymous', 'read:**']);
    if (!file.ok || !cli.ok) throw new Error('the inputs should read');
    const merged = readServerConfig(cli.value.overrides, file.value, 'the command line');
    expect(merged.ok && merged.value).toMatchObject({
      port: 0,
      limits: { maxWorkspacesOpen: 5, maxChangeOps: DEFAULT_SERVER_CONFIG.limits.maxChangeOps },
      auth: { jwtSecretFile: 's', anonymous: { scopes: ['read:**'] }, devToken: false },
    });
  });

  it('turns command-line flags into settings, and refuses unknown flags', () => {
    const cli = parseCommandLine([
      '--port',
      '8080',
      '--tls-cert',
      'c',
      '--tls-key',
      'k',
      '--allow-anonymous',
      'read:**',
    ]);
    expect(cli.ok && cli.value.overrides).toEqual({
      port: 8080,
      tls: { certFile: 'c', keyFile: 'k' },
      auth: { anonymous: { scopes: ['read:**'], workspaces: ['*'] } },
    });
    expect(parseCommandLine(['--bogus']).ok).toBe(false);
    expect(parseCommandLine(['--port', 'eighty']).ok).toBe(false);
    expect(parseCommandLine(['--tls-cert', 'only-cert']).ok).toBe(false);
  });
});

describe('TLS', () => {
  it('serves wss:// and tls:// when given a certificate and key', async () => {
    const { encodeMessage, decodeMessage } = await import('@dist-space/protocol');
    const { connectNodeWebSocket, connectTcp } = await import(
      '@dist-space/transport-adapters/node'
    );
    const { testCert, testCertFile, testKeyFile } = await import(
      '../../../test-support/tls/index.js'
    );
    const data = await tempDir();
    const { child, out, token } = await run([
      '--port',
      '0',
      '--tcp-port',
      '0',
      '--store',
      'memory',
      '--data-dir',
      data,
      '--dev-token',
      '--log-level',
      'silent',
      '--tls-cert',
      testCertFile,
      '--tls-key',
      testKeyFile,
    ]);
    const wss = /listening on (wss:\/\/\S+)/.exec(out())?.[1];
    const tls = /and on tls:\/\/([\d.]+):(\d+)/.exec(out());
    expect(wss).toBeDefined();
    expect(tls).not.toBeNull();
    /** Says Hello over a connection and resolves with the type of the first answer. */
    const helloOver = async (opened: Result<Connection>) => {
      if (!opened.ok) throw opened.error;
      const connection = opened.value;
      const reply = new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no reply over TLS')), 10_000);
        connection.onMessage((frame) => {
          clearTimeout(timer);
          const decoded = decodeMessage(frame);
          resolve(decoded.ok ? decoded.value.type : decoded.error.code);
        });
      });
      connection.send(
        encodeMessage({
          type: 'Hello',
          version: [1, 0],
          positionEncoding: 'utf-16',
          clientId: 'tls',
          token: token!,
        }),
      );
      const type = await reply;
      connection.close('NORMAL', 'done');
      return type;
    };
    expect(await helloOver(await connectNodeWebSocket(wss!, { tls: { ca: testCert } }))).toBe(
      'Welcome',
    );
    const [, host, port] = tls!;
    expect(
      await helloOver(await connectTcp({ host: host!, port: Number(port), tls: { ca: testCert } })),
    ).toBe('Welcome');
    // Plain TCP to the TLS port gets no answer: the connection is cut.
    const plain = await connectTcp({ host: host!, port: Number(port) });
    if (!plain.ok) throw plain.error;
    plain.value.send(new Uint8Array([1, 2, 3]));
    expect((await plain.value.closed).initiator).toBe('remote');
    child.kill('SIGTERM');
    expect(await exited(child)).toBe(0);
  });
});

describe('TLS deadlines', () => {
  it('cuts off a wss:// peer that never completes its TLS handshake at handshakeTimeoutMs', async () => {
    const { startServer } = await import('@dist-space/server');
    const { testCertFile, testKeyFile } = await import('../../../test-support/tls/index.js');
    const { connect } = await import('node:net');
    const started = await startServer(
      {
        ...DEFAULT_SERVER_CONFIG,
        port: 0,
        store: 'memory',
        tls: { certFile: testCertFile, keyFile: testKeyFile },
        auth: {
          ...DEFAULT_SERVER_CONFIG.auth,
          anonymous: { scopes: ['read:**'], workspaces: ['*'] },
        },
        connection: { handshakeTimeoutMs: 300 },
        logLevel: 'silent',
      },
      { logDestination: null },
    );
    if (!started.ok) throw started.error;
    // A peer that connects and sends nothing: it neither starts TLS nor sends an upgrade.
    const socket = connect({ host: '127.0.0.1', port: Number(new URL(started.value.url).port) });
    try {
      const closedAfter = await new Promise<number>((resolve, reject) => {
        const at = Date.now();
        const timer = setTimeout(() => reject(new Error('still open after 5 s')), 5_000);
        socket.on('error', () => undefined);
        socket.on('close', () => {
          clearTimeout(timer);
          resolve(Date.now() - at);
        });
      });
      expect(closedAfter).toBeGreaterThanOrEqual(250);
    } finally {
      socket.destroy();
      await started.value.stop();
    }
  });
});

describe('stopping', () => {
  /** The files of `dir` this process holds open (Linux: the links in /proc/self/fd). */
  async function openFilesIn(dir: string): Promise<string[]> {
    const { readdir, readlink } = await import('node:fs/promises');
    const links = await Promise.all(
      (await readdir('/proc/self/fd')).map((fd) => readlink(`/proc/self/fd/${fd}`).catch(() => '')),
    );
    return links.filter((target) => target.startsWith(`${dir}/`));
  }

  it('closes the LMDB store: no file of the data directory stays open after stop()', async () => {
    const { startServer } = await import('@dist-space/server');
    const dataDir = await tempDir();
    const started = await startServer(
      {
        ...DEFAULT_SERVER_CONFIG,
        port: 0,
        dataDir,
        auth: {
          ...DEFAULT_SERVER_CONFIG.auth,
          anonymous: { scopes: ['read:**'], workspaces: ['*'] },
        },
        logLevel: 'silent',
      },
      { logDestination: null },
    );
    if (!started.ok) throw started.error;
    // While it runs, LMDB holds its data and lock files open: the probe sees them.
    expect(await openFilesIn(dataDir)).toEqual(
      expect.arrayContaining([join(dataDir, 'data.mdb'), join(dataDir, 'lock.mdb')]),
    );
    await started.value.stop();
    expect(await openFilesIn(dataDir)).toEqual([]);
  });
});

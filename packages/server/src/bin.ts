#!/usr/bin/env node
import { readFile } from 'node:fs/promises';
import { DistSpaceError, type Result } from '@dist-space/ot-core';
import { parseCommandLine, USAGE } from './cli-args.js';
import { DEFAULT_SERVER_CONFIG, readServerConfig, type ServerConfig } from './config.js';
import { startServer } from './start.js';

// `dist-space-server`: reads the config file and the command line, starts the server, prints
// where it listens (and a development token if it made one), and shuts down gracefully on
// SIGINT or SIGTERM. Exit codes: 0 after a clean shutdown, 2 for a bad configuration, 1 else.

function fail(error: DistSpaceError, code: number): never {
  process.stderr.write(`dist-space-server: ${error.message}\n`);
  process.exit(code);
}

function unwrap<T>(result: Result<T>): T {
  if (!result.ok) fail(result.error, 2);
  return result.value;
}

async function main(): Promise<void> {
  const cli = unwrap(parseCommandLine(process.argv.slice(2)));
  if (cli.help) {
    process.stdout.write(USAGE);
    return;
  }
  let config: ServerConfig = DEFAULT_SERVER_CONFIG;
  if (cli.configFile) {
    let json: unknown;
    try {
      json = JSON.parse(await readFile(cli.configFile, 'utf8'));
    } catch (e) {
      fail(
        new DistSpaceError(
          'INVALID_CONFIG',
          `The config file '${cli.configFile}' cannot be read: ${(e as Error).message}`,
        ),
        2,
      );
    }
    config = unwrap(readServerConfig(json, config, cli.configFile));
  }
  config = unwrap(readServerConfig(cli.overrides, config, 'the command line'));
  const running = unwrap(await startServer(config));
  // Handle signals before saying where we listen: whoever reads that line may stop us at once.
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    running
      .stop(`The server is shutting down (${signal}).`)
      .then(() => process.exit(0))
      .catch((e: unknown) => {
        process.stderr.write(`dist-space-server: shutdown failed: ${(e as Error).message}\n`);
        process.exit(1);
      });
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  const lines = [`Dist-Space server listening on ${running.url}`];
  if (running.tcpUrl) lines.push(`  and on ${running.tcpUrl}`);
  lines.push(`  data: ${config.store === 'memory' ? 'in memory (lost at exit)' : config.dataDir}`);
  if (running.devToken) {
    lines.push('  development token (admin, every workspace, 30 days):', `  ${running.devToken}`);
  }
  lines.push('  Ctrl-C to stop.');
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`dist-space-server: ${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});

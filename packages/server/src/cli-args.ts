import { parseArgs } from 'node:util';
import { DistSpaceError, err, ok, type Result } from '@dist-space/ot-core';

/** What the command line asked for: a config file to read, overrides on top of it, or help. */
export interface CommandLine {
  readonly help: boolean;
  readonly configFile?: string;
  /** Settings in the shape of a config file, applied over it. */
  readonly overrides: Record<string, unknown>;
}

/** The usage text `--help` prints. */
export const USAGE = `Usage: dist-space-server [options]

Runs the Dist-Space reference server until SIGINT or SIGTERM.

Options (each overrides the config file):
  --config FILE             read settings from a JSON file (see docs/server.md)
  --host HOST               address to listen on (default 127.0.0.1)
  --port N                  WebSocket port, 0 for any free port (default 4455)
  --tcp-port N              also listen for raw TCP (length-prefixed frames)
  --data-dir DIR            where the LMDB store lives (default ./data)
  --store lmdb|memory       memory keeps nothing after exit (default lmdb)
  --tls-cert FILE           PEM certificate: serve wss:// (and TLS on --tcp-port)
  --tls-key FILE            PEM private key for --tls-cert
  --jwt-secret-file FILE    HMAC secret for signed tokens (HS256)
  --jwt-public-key-file F   PEM public key for signed tokens (with --jwt-algorithm)
  --jwt-algorithm ALG       e.g. ES256, RS256, EdDSA
  --token-file FILE         static token list (JSON)
  --dev-token               no auth configured: make a secret, print an admin token
  --allow-anonymous SCOPES  let token-less sessions in with these comma-separated scopes
  --log-level LEVEL         fatal, error, warn, info, debug, trace or silent
  --help                    print this and exit
`;

/**
 * Reads the command line into config-file-shaped overrides.
 *
 * @returns them, or `INVALID_CONFIG` for an unknown flag or a bad value
 */
export function parseCommandLine(argv: readonly string[]): Result<CommandLine> {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        config: { type: 'string' },
        host: { type: 'string' },
        port: { type: 'string' },
        'tcp-port': { type: 'string' },
        'data-dir': { type: 'string' },
        store: { type: 'string' },
        'tls-cert': { type: 'string' },
        'tls-key': { type: 'string' },
        'jwt-secret-file': { type: 'string' },
        'jwt-public-key-file': { type: 'string' },
        'jwt-algorithm': { type: 'string' },
        'token-file': { type: 'string' },
        'dev-token': { type: 'boolean' },
        'allow-anonymous': { type: 'string' },
        'log-level': { type: 'string' },
        help: { type: 'boolean' },
      },
    }).values;
  } catch (e) {
    return err(new DistSpaceError('INVALID_CONFIG', `${(e as Error).message}\n\n${USAGE}`));
  }
  const o: Record<string, unknown> = {};
  const auth: Record<string, unknown> = {};
  const number = (flag: string, value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n)) {
      throw new DistSpaceError('INVALID_CONFIG', `--${flag} needs a whole number, not '${value}'.`);
    }
    return n;
  };
  try {
    if (values.host !== undefined) o.host = values.host;
    if (values.port !== undefined) o.port = number('port', values.port as string);
    if (values['tcp-port'] !== undefined)
      o.tcpPort = number('tcp-port', values['tcp-port'] as string);
    if (values['data-dir'] !== undefined) o.dataDir = values['data-dir'];
    if (values.store !== undefined) o.store = values.store;
    if (values['log-level'] !== undefined) o.logLevel = values['log-level'];
    if ((values['tls-cert'] === undefined) !== (values['tls-key'] === undefined)) {
      throw new DistSpaceError('INVALID_CONFIG', '--tls-cert and --tls-key go together.');
    }
    if (values['tls-cert'] !== undefined) {
      o.tls = { certFile: values['tls-cert'], keyFile: values['tls-key'] };
    }
    if (values['jwt-secret-file'] !== undefined) auth.jwtSecretFile = values['jwt-secret-file'];
    if (values['jwt-public-key-file'] !== undefined) {
      auth.jwtPublicKeyFile = values['jwt-public-key-file'];
    }
    if (values['jwt-algorithm'] !== undefined) auth.jwtAlgorithms = [values['jwt-algorithm']];
    if (values['token-file'] !== undefined) auth.tokenFile = values['token-file'];
    if (values['dev-token'] !== undefined) auth.devToken = values['dev-token'];
    if (values['allow-anonymous'] !== undefined) {
      auth.anonymous = {
        scopes: (values['allow-anonymous'] as string).split(',').filter((s) => s.length > 0),
        workspaces: ['*'],
      };
    }
  } catch (e) {
    if (e instanceof DistSpaceError) return err(e);
    throw e;
  }
  if (Object.keys(auth).length > 0) o.auth = auth;
  return ok({
    help: values.help === true,
    overrides: o,
    ...(values.config !== undefined ? { configFile: values.config as string } : {}),
  });
}

import { DistSpaceError, err, ok, type Result } from '@dist-space/ot-core';
import { type ConnectionLimits, resolveLimits } from '@dist-space/transport-adapters';
import { DEFAULT_SERVER_LIMITS, type ServerLimits } from './limits.js';
import './errors.js';

/** TLS for `wss://` and TLS-over-TCP: PEM files. */
export interface TlsConfig {
  readonly certFile: string;
  readonly keyFile: string;
}

/**
 * How sessions authenticate. Give an HMAC secret (or a file holding it) or a public key file,
 * a static token file, or both kinds. With none and `devToken` on, the server makes a secret and
 * prints an admin token at start (development only).
 */
export interface AuthConfig {
  readonly jwtSecret?: string;
  readonly jwtSecretFile?: string;
  readonly jwtPublicKeyFile?: string;
  readonly jwtAlgorithms?: readonly string[];
  readonly jwtIssuer?: string;
  readonly jwtAudience?: string;
  readonly tokenFile?: string;
  /** Let sessions without a token in with these rights. Off unless set. */
  readonly anonymous?: {
    readonly scopes: readonly string[];
    readonly workspaces: readonly string[];
  };
  /** Generate a secret and print an admin token when no other auth is configured. */
  readonly devToken: boolean;
}

/** When the server writes snapshots and how much history it keeps. */
export interface PersistenceConfig {
  /** Write a snapshot after this many revisions. */
  readonly snapshotEveryRevisions: number;
  /** Keep at least this many revisions of history below the newest snapshot; older ones are truncated. */
  readonly retainRevisions: number;
}

/** Everything the reference server reads from its config file and command line. */
export interface ServerConfig {
  /** The address to listen on; 127.0.0.1 unless you mean to expose the server. */
  readonly host: string;
  /** The WebSocket port (`ws://host:port/`); 0 picks a free one. */
  readonly port: number;
  /** A raw TCP port (length-prefixed frames) as well, or null for none. */
  readonly tcpPort: number | null;
  readonly tls: TlsConfig | null;
  /** Where the LMDB store keeps its files; created if missing. */
  readonly dataDir: string;
  /** `lmdb` (durable, the default) or `memory` (tests and demos: everything is lost at exit). */
  readonly store: 'lmdb' | 'memory';
  readonly auth: AuthConfig;
  readonly persistence: PersistenceConfig;
  readonly limits: ServerLimits;
  /** Connection limits and timeouts, see `@dist-space/transport-adapters`. */
  readonly connection: Partial<ConnectionLimits>;
  /** pino level: fatal, error, warn, info, debug, trace or silent. */
  readonly logLevel: string;
}

/** The configuration used where a file or flag says nothing. */
export const DEFAULT_SERVER_CONFIG: ServerConfig = Object.freeze({
  host: '127.0.0.1',
  port: 4455,
  tcpPort: null,
  tls: null,
  dataDir: './data',
  store: 'lmdb',
  auth: Object.freeze({ devToken: false }),
  persistence: Object.freeze({ snapshotEveryRevisions: 1_000, retainRevisions: 100_000 }),
  limits: DEFAULT_SERVER_LIMITS,
  connection: Object.freeze({}),
  logLevel: 'info',
});

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const CONNECTION_KEYS = [
  'maxFrameSize',
  'highWaterMark',
  'maxBufferedBytes',
  'maxConnections',
  'maxConnectionsPerAddress',
  'handshakeTimeoutMs',
  'pingIntervalMs',
  'heartbeatTimeoutMs',
  'messagesPerSecond',
  'messageBurst',
  'closeTimeoutMs',
] as const;

class ConfigReader {
  constructor(private readonly where: string) {}

  fail(field: string, expected: string, value: unknown): DistSpaceError {
    const shown = JSON.stringify(value)?.slice(0, 60) ?? String(value);
    return new DistSpaceError(
      'INVALID_CONFIG',
      `${this.where}: '${field}' must be ${expected}, not ${shown}.`,
      { field },
    );
  }

  object(field: string, value: unknown): Record<string, unknown> {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      if (field === '') {
        const shown = JSON.stringify(value)?.slice(0, 60) ?? String(value);
        throw new DistSpaceError(
          'INVALID_CONFIG',
          `${this.where} must be an object of settings such as {"port": 4455}, not ${shown}.`,
          { field },
        );
      }
      throw this.fail(field, 'an object', value);
    }
    return value as Record<string, unknown>;
  }

  string(field: string, value: unknown): string {
    if (typeof value !== 'string' || value.length === 0)
      throw this.fail(field, 'a non-empty string', value);
    return value;
  }

  strings(field: string, value: unknown): string[] {
    if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
      throw this.fail(field, 'a list of strings', value);
    }
    return value as string[];
  }

  port(field: string, value: unknown): number {
    if (!Number.isInteger(value) || (value as number) < 0 || (value as number) > 65535) {
      throw this.fail(field, 'a port number from 0 to 65535', value);
    }
    return value as number;
  }

  positive(field: string, value: unknown): number {
    if (typeof value !== 'number' || !(value > 0))
      throw this.fail(field, 'a number above 0', value);
    return value;
  }

  boolean(field: string, value: unknown): boolean {
    if (typeof value !== 'boolean') throw this.fail(field, 'true or false', value);
    return value;
  }

  oneOf<T extends string>(field: string, value: unknown, options: readonly T[]): T {
    if (!options.includes(value as T))
      throw this.fail(field, `one of ${options.join(', ')}`, value);
    return value as T;
  }

  /** Rejects keys it does not know: a misspelt limit should not silently fall back to its default. */
  known(field: string, o: Record<string, unknown>, keys: readonly string[]): void {
    for (const key of Object.keys(o)) {
      if (!keys.includes(key)) {
        throw new DistSpaceError(
          'INVALID_CONFIG',
          `${this.where}: unknown setting '${field ? `${field}.` : ''}${key}'; known settings are ${keys.join(', ')}.`,
          { field: `${field ? `${field}.` : ''}${key}` },
        );
      }
    }
  }
}

/**
 * Reads a configuration object (the parsed JSON of a config file, or what the command line
 * made) over `base`, checking every field; settings it does not know are refused.
 *
 * @param where - what to call the source in messages: the file name, 'the command line'
 * @returns the merged configuration, or `INVALID_CONFIG` naming the field
 */
export function readServerConfig(
  input: unknown,
  base: ServerConfig = DEFAULT_SERVER_CONFIG,
  where = 'the configuration',
): Result<ServerConfig> {
  const r = new ConfigReader(where);
  try {
    const o = r.object('', input);
    r.known('', o, [
      'host',
      'port',
      'tcpPort',
      'tls',
      'dataDir',
      'store',
      'auth',
      'persistence',
      'limits',
      'connection',
      'logLevel',
    ]);
    let auth = base.auth;
    if (o.auth !== undefined) {
      const a = r.object('auth', o.auth);
      r.known('auth', a, [
        'jwtSecret',
        'jwtSecretFile',
        'jwtPublicKeyFile',
        'jwtAlgorithms',
        'jwtIssuer',
        'jwtAudience',
        'tokenFile',
        'anonymous',
        'devToken',
      ]);
      const next: Record<string, unknown> = { ...base.auth };
      for (const key of [
        'jwtSecret',
        'jwtSecretFile',
        'jwtPublicKeyFile',
        'jwtIssuer',
        'jwtAudience',
        'tokenFile',
      ]) {
        if (a[key] !== undefined) next[key] = r.string(`auth.${key}`, a[key]);
      }
      if (a.jwtAlgorithms !== undefined)
        next.jwtAlgorithms = r.strings('auth.jwtAlgorithms', a.jwtAlgorithms);
      if (a.devToken !== undefined) next.devToken = r.boolean('auth.devToken', a.devToken);
      if (a.anonymous !== undefined) {
        if (a.anonymous === null) delete next.anonymous;
        else {
          const anon = r.object('auth.anonymous', a.anonymous);
          r.known('auth.anonymous', anon, ['scopes', 'workspaces']);
          next.anonymous = {
            scopes: r.strings('auth.anonymous.scopes', anon.scopes),
            workspaces: r.strings('auth.anonymous.workspaces', anon.workspaces),
          };
        }
      }
      auth = next as unknown as AuthConfig;
    }
    let tls = base.tls;
    if (o.tls !== undefined) {
      if (o.tls === null) tls = null;
      else {
        const t = r.object('tls', o.tls);
        r.known('tls', t, ['certFile', 'keyFile']);
        tls = {
          certFile: r.string('tls.certFile', t.certFile),
          keyFile: r.string('tls.keyFile', t.keyFile),
        };
      }
    }
    const limits: Record<string, number> = { ...base.limits };
    if (o.limits !== undefined) {
      const l = r.object('limits', o.limits);
      r.known('limits', l, Object.keys(DEFAULT_SERVER_LIMITS));
      for (const [key, value] of Object.entries(l))
        limits[key] = r.positive(`limits.${key}`, value);
    }
    const connection: Record<string, number> = { ...base.connection };
    if (o.connection !== undefined) {
      const c = r.object('connection', o.connection);
      r.known('connection', c, CONNECTION_KEYS);
      for (const [key, value] of Object.entries(c)) {
        if (typeof value !== 'number' || !(value >= 0)) {
          throw r.fail(`connection.${key}`, 'a number >= 0', value);
        }
        connection[key] = value;
      }
      // The transport checks the limits together (maxBufferedBytes >= maxFrameSize, ...): ask it
      // now, so that a bad value is refused naming this file, not when the listener starts.
      try {
        resolveLimits(connection);
      } catch (e) {
        throw new DistSpaceError(
          'INVALID_CONFIG',
          `${where}: 'connection': ${(e as Error).message}`,
          {
            field: 'connection',
          },
        );
      }
    }
    const persistence: Record<string, number> = { ...base.persistence };
    if (o.persistence !== undefined) {
      const p = r.object('persistence', o.persistence);
      r.known('persistence', p, ['snapshotEveryRevisions', 'retainRevisions']);
      for (const [key, value] of Object.entries(p))
        persistence[key] = r.positive(`persistence.${key}`, value);
    }
    return ok({
      host: o.host === undefined ? base.host : r.string('host', o.host),
      port: o.port === undefined ? base.port : r.port('port', o.port),
      tcpPort:
        o.tcpPort === undefined
          ? base.tcpPort
          : o.tcpPort === null
            ? null
            : r.port('tcpPort', o.tcpPort),
      tls,
      dataDir: o.dataDir === undefined ? base.dataDir : r.string('dataDir', o.dataDir),
      store:
        o.store === undefined ? base.store : r.oneOf('store', o.store, ['lmdb', 'memory'] as const),
      auth,
      persistence: persistence as unknown as PersistenceConfig,
      limits: limits as unknown as ServerLimits,
      connection: connection as Partial<ConnectionLimits>,
      logLevel:
        o.logLevel === undefined ? base.logLevel : r.oneOf('logLevel', o.logLevel, LOG_LEVELS),
    });
  } catch (e) {
    if (e instanceof DistSpaceError) return err(e);
    throw e;
  }
}

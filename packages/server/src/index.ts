/**
 * `@dist-space/server`: the reference composition of Dist-Space. A sequencer per workspace with
 * durable acks, sessions authenticated by token, capabilities checked at every boundary, reads
 * filtered to what a session may see, presence, limits, the admin API, graceful shutdown, and
 * `startServer`/`dist-space-server` to run it from a configuration.
 *
 * @packageDocumentation
 */

import './errors.js';

export { AdminApi } from './admin.js';
export { type AuthSetup, setUpAuthentication } from './auth-setup.js';
export { type CommandLine, parseCommandLine, USAGE } from './cli-args.js';
export {
  type AuthConfig,
  DEFAULT_SERVER_CONFIG,
  type PersistenceConfig,
  readServerConfig,
  type ServerConfig,
  type TlsConfig,
} from './config.js';
export { DEFAULT_SERVER_LIMITS, type ServerLimits } from './limits.js';
export { createLogger, type LoggerOptions, LogRing } from './log.js';
export { type Member, OpenWorkspace } from './open-workspace.js';
export { openPersistentLog, storeStorage } from './persistent-log.js';
export { projectChange, projectWorkspace, statesOf, type Visibility } from './projection.js';
export {
  type CommitListener,
  type SequencerOptions,
  type SubmitOutcome,
  type SubmitRequest,
  WorkspaceSequencer,
} from './sequencer.js';
export type { SequencedChange, SequencerLog } from './sequencer-log.js';
export { DistSpaceServer, type DistSpaceServerOptions } from './server.js';
export { type RunningServer, startServer } from './start.js';
export { WorkspaceHost, type WorkspaceStorage } from './workspace-host.js';

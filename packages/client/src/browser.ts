/**
 * The entry of the self-contained browser bundle (`dist/browser/dist-space-client.js`): the
 * whole client, plus the few ot-core pieces a page needs to keep its own cursor in place when a
 * remote change arrives. A page without a bundler imports this one file.
 *
 * @packageDocumentation
 */

export {
  type Assoc,
  type Change,
  DistSpaceError,
  type MappedPosition,
  mapPosition,
  mapSelection,
  type Op,
  type Selection,
} from '@dist-space/ot-core';
export * from './index.js';

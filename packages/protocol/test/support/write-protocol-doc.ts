import { readFileSync, writeFileSync } from 'node:fs';
import { renderProtocolDoc } from './protocol-doc.js';

// Rewrites the generated tables of docs/protocol.md from the code. Run from the repository root:
// npx tsx --conditions=@dist-space/source packages/protocol/test/support/write-protocol-doc.ts
const path = new URL('../../../../docs/protocol.md', import.meta.url);
writeFileSync(path, renderProtocolDoc(readFileSync(path, 'utf8')));

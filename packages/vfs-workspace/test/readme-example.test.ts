import { describeReadmeExample } from '../../../test-support/readme-example.js';

describeReadmeExample('vfs-workspace', 'vfs-workspace/concurrent-changes.ts');

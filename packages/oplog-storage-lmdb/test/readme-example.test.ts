import { describeReadmeExample } from '../../../test-support/readme-example.js';

describeReadmeExample('oplog-storage-lmdb', 'oplog-storage-lmdb/quick-start.ts');

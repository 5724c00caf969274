import { describeReadmeExample } from '../../../test-support/readme-example.js';

describeReadmeExample('oplog-storage', 'oplog-storage/quick-start.ts');

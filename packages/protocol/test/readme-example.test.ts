import { describeReadmeExample } from '../../../test-support/readme-example.js';

describeReadmeExample('protocol', 'protocol/quick-start.ts');

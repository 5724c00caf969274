import { describeReadmeExample } from '../../../test-support/readme-example.js';

describeReadmeExample('client', 'client/quick-start.ts');

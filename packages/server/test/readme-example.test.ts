import { describeReadmeExample } from '../../../test-support/readme-example.js';

describeReadmeExample('server', 'server/embedded.ts');

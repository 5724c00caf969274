import { describeReadmeExample } from '../../../test-support/readme-example.js';

describeReadmeExample('ot-core', 'ot-core/quick-start.ts');

import { describeReadmeExample } from '../../../test-support/readme-example.js';

describeReadmeExample('permissions', 'permissions/quick-start.ts');

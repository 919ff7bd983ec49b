/**
 * SendGrid and Postmark through the shared provider conformance suite: each adapter's real
 * SDK against its local server, failing on demand (test/sendgrid-rig.ts, test/postmark-rig.ts).
 */
import { postmarkTarget } from './postmark-rig.js';
import { describeProviderConformance } from './provider-conformance.js';
import { sendgridTarget } from './sendgrid-rig.js';

describeProviderConformance(sendgridTarget);
describeProviderConformance(postmarkTarget);

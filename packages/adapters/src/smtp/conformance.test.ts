/** The SMTP adapter through the shared provider conformance suite (its rig: a real smtp-server). */
import { describeProviderConformance } from '../../test/provider-conformance.js';
import { smtpConformanceTarget } from './conformance-rig.js';

describeProviderConformance(smtpConformanceTarget);

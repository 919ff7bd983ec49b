/** The Twilio adapter through the shared provider conformance suite (its rig: the local Twilio). */
import { describeProviderConformance } from '../../test/provider-conformance.js';
import { twilioConformanceTarget } from './conformance-rig.js';

describeProviderConformance(twilioConformanceTarget);

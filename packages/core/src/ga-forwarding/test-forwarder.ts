/**
 * A tiny in-test `AnalyticsForwarder` for core's tests: records every request and answers
 * from a script (`accept`, a transient or a permanent failure), validation messages from a
 * function. The adapter's wire format is tested against a local Measurement Protocol server
 * in `@greentrack/adapters`; this one stands in only where core's own logic is under test.
 */
import type {
  AnalyticsForwarder,
  GoogleAnalyticsCredentials,
  MeasurementRequest,
  MeasurementValidationMessage,
} from '../providers/analytics.js';
import { ProviderError } from '../providers/messaging.js';

type ScriptedAnswer = 'accept' | 'transient' | 'permanent';

export interface TestForwarder extends AnalyticsForwarder {
  sent: { credentials: GoogleAnalyticsCredentials; request: MeasurementRequest }[];
  /** Answers of the next sends, in order; `accept` once they run out. */
  script: ScriptedAnswer[];
}

export function testAnalyticsForwarder(
  validation: (request: MeasurementRequest) => MeasurementValidationMessage[] = () => [],
): TestForwarder {
  const forwarder: TestForwarder = {
    provider: 'google_analytics',
    sent: [],
    script: [],
    async send(credentials, request) {
      forwarder.sent.push({ credentials, request });
      const answer = forwarder.script.shift() ?? 'accept';
      if (answer === 'accept') return;
      throw new ProviderError({
        message: answer === 'transient' ? 'HTTP 503' : 'HTTP 400: bad request',
        kind: answer,
        outcome: 'not_sent',
        code: answer === 'transient' ? 'GA_HTTP_503' : 'GA_HTTP_400',
      });
    },
    async validate(_credentials, request) {
      return validation(request);
    },
  };
  return forwarder;
}

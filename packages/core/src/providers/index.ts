/** Provider interfaces and the built-in providers. */
export {
  type AnalyticsForwarder,
  type GoogleAnalyticsCredentials,
  MAX_MEASUREMENT_EVENTS,
  type MeasurementEvent,
  type MeasurementParamValue,
  type MeasurementRequest,
  type MeasurementValidationMessage,
} from './analytics.js';
export { DEFAULT_EMBEDDER_MAX_BATCH, type Embedder } from './embedder.js';
export {
  type HashingEmbedderOptions,
  hashingEmbedder,
} from './hashing-embedder.js';
export type {
  InvoiceSource,
  InvoiceSourceConnector,
  InvoiceStatus,
  SourceInvoice,
  SourceInvoiceItem,
  SourceInvoicePage,
} from './invoices.js';
export {
  type EmailMessage,
  type EmailProvider,
  type MessagingProviders,
  type ProviderCapabilities,
  ProviderError,
  type ProviderFailure,
  retryAfterMs,
  type SendContext,
  type SendResult,
  type SmsMessage,
  type SmsProvider,
} from './messaging.js';
export type {
  PaymentInput,
  PaymentLink,
  PaymentLinkConnector,
  PaymentLinkProvider,
  PaymentLinkRequest,
  PaymentStatus,
} from './payments.js';
export {
  type InboundSmsEffect,
  type InboundWebhookRequest,
  type InvoiceEffect,
  type MessageEventEffect,
  type PaymentEffect,
  type StoredWebhook,
  type VerifiedWebhook,
  type WebhookAcknowledgement,
  type WebhookCredentials,
  type WebhookEffect,
  type WebhookEffectKind,
  type WebhookOutcome,
  type WebhookProvider,
  WebhookSignatureError,
  type WebhookSource,
} from './webhooks.js';

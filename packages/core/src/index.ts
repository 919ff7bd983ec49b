/**
 * @greentrack/core — public API.
 * @packageDocumentation
 */

// The facade's parts and the types of their inputs and outputs, for hosts typing their code.
export type {
  AnalyticsEvent,
  AnalyticsFacade,
  EventListQuery,
  EventPage,
  TrackEvent,
  TrackResult,
} from './analytics/index.js';
export type { AuditFacade } from './audit/facade.js';
export type { AuditLogPage, AuditLogQuery } from './audit/index.js';
export type {
  Campaign,
  CampaignCreate,
  CampaignMessage,
  CampaignMessageEvent,
  CampaignMessagePage,
  CampaignRun,
  CampaignSchedule,
  CampaignTest,
  CampaignTestResult,
  CampaignUpdate,
  DispatchOptions,
  HoldoutComparison,
  HoldoutQuery,
  MessageListQuery,
} from './campaigns/index.js';
export { CampaignErrorCode } from './campaigns/index.js';
export type { Clock } from './clock.js';
export { fixedClock, systemClock } from './clock.js';
export type { GreenTrackConfig } from './config.js';
export type { ConsentFacade } from './consent/facade.js';
export type {
  ChannelConsent,
  ConsentPolicyUpdate,
  ConsentReason,
  ConsentSetOptions,
  CustomerConsent,
} from './consent/index.js';
export { DEFAULT_CONSENT_POLICY } from './consent/index.js';
export { REDACTED } from './customer-data.js';
export type { CustomersFacade } from './customers/facade.js';
export type {
  CustomerCreate,
  CustomerListQuery,
  CustomerUpdate,
} from './customers/schema.js';
export type {
  Customer,
  CustomerListConsent,
  CustomerListItem,
  CustomerPage,
} from './customers/service.js';
export type {
  DatabaseConnection,
  DatabaseOptions,
  DialectName,
  MigrateResult,
  MigrationStatusEntry,
} from './db/index.js';
export {
  connectDatabase,
  DEFAULT_DATA_DIR,
  fromVector,
  MIGRATION_TABLE,
  refreshMaterializedViews,
  seedColumns,
  seedTableNames,
  toJson,
  toVector,
} from './db/index.js';
export type * from './db/types.js';
export type {
  CustomerProfileFields,
  ReembedOptions,
  ReembedProgress,
} from './embeddings/index.js';
export { customerProfileText, EmbeddingErrorCode } from './embeddings/index.js';
export type {
  Worker,
  WorkerStartOptions,
  WorkerTickOptions,
  WorkerTickResult,
} from './engine/worker.js';
export { errorStatus, httpStatusFor } from './error-status.js';
export type { GreenTrackErrorOptions, ValidationIssue } from './errors.js';
export {
  CommonErrorCode,
  GreenTrackError,
  isGreenTrackError,
  toGreenTrackError,
} from './errors.js';
export type {
  ActorRef,
  GreenTrackEventMap,
  GreenTrackEventName,
  InvoiceSyncCounts,
} from './events.js';
export type { GreenTrack } from './greentrack.js';
export { createGreenTrack, DEFAULT_EMBEDDING_DIMENSIONS } from './greentrack.js';
export type { Authenticate, HttpOptions } from './http/app.js';
export { DEFAULT_BASE_PATH, DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_IMPORT_BYTES } from './http/app.js';
export { HttpErrorCode } from './http/error-codes.js';
export type { Logger } from './http/errors.js';
export type { HandlerSource } from './http/next.js';
export { toNextHandler } from './http/next.js';
export type { HasHandler } from './http/node.js';
export { toNodeHandler } from './http/node.js';
export type { TokenClaims, TokenRequest } from './http/tokens.js';
export type { ImportsFacade } from './imports/facade.js';
export type {
  CustomerField,
  ImportOptions,
  ImportProgress,
  ImportResult,
  ImportRowError,
  ImportSource,
} from './imports/index.js';
export { ImportErrorCode } from './imports/index.js';
export type { IntegrationsFacade } from './integrations/facade.js';
export type {
  IntegrationAccountCreate,
  IntegrationAccountOut,
  IntegrationAccountQuery,
  IntegrationAccountUpdate,
} from './integrations/schema.js';
export type { InvoiceDeliveryFacade } from './invoice-delivery/facade.js';
export type {
  InvoiceDelivery,
  InvoiceSend,
  InvoiceSendResult,
} from './invoice-delivery/index.js';
export { InvoiceDeliveryErrorCode } from './invoice-delivery/index.js';
export type {
  InvoiceSyncFacade,
  InvoiceSyncOptions,
  InvoiceSyncProgress,
  InvoiceSyncResult,
} from './invoice-sync/index.js';
export { InvoiceSyncErrorCode } from './invoice-sync/index.js';
export type {
  AgingBuckets,
  AgingQuery,
  Invoice,
  InvoiceAging,
  InvoiceItem,
  InvoiceListQuery,
  InvoicePage,
  InvoicesFacade,
} from './invoices/index.js';
export { InvoiceErrorCode } from './invoices/index.js';
export type {
  CampaignKpiQuery,
  CampaignKpis,
  FunnelQuery,
  KpiCounts,
  KpiFunnel,
  KpiOptions,
  KpiRates,
  KpiSeries,
  KpisFacade,
  RunKpis,
  SeriesDay,
  SeriesQuery,
  TopCampaign,
  TopCampaigns,
  TopCampaignsQuery,
} from './kpis/index.js';
export type { OutboxOptions } from './messaging/index.js';
export type { Action } from './modules.js';
export { can, permissions } from './modules.js';
export type { PaymentLinksFacade } from './payment-links/facade.js';
export type { PaymentLinkOut } from './payment-links/index.js';
export { PaymentLinkErrorCode } from './payment-links/index.js';
export type {
  ManualPayment,
  Payment,
  PaymentListQuery,
  PaymentPage,
  PaymentsFacade,
  RecordPaymentResult,
} from './payments/index.js';
export { PaymentErrorCode } from './payments/index.js';
export type { PrivacyFacade } from './privacy/facade.js';
export type { CustomerExport, EraseResult } from './privacy/index.js';
export { CUSTOMER_EXPORT_FORMAT } from './privacy/index.js';
export type {
  EmailMessage,
  EmailProvider,
  Embedder,
  HashingEmbedderOptions,
  InboundSmsEffect,
  InboundWebhookRequest,
  InvoiceEffect,
  InvoiceSource,
  InvoiceSourceConnector,
  InvoiceStatus,
  MessageEventEffect,
  MessagingProviders,
  PaymentEffect,
  PaymentInput,
  PaymentLink,
  PaymentLinkConnector,
  PaymentLinkProvider,
  PaymentLinkRequest,
  PaymentStatus,
  ProviderCapabilities,
  ProviderFailure,
  SendContext,
  SendResult,
  SmsMessage,
  SmsProvider,
  SourceInvoice,
  SourceInvoiceItem,
  SourceInvoicePage,
  StoredWebhook,
  VerifiedWebhook,
  WebhookAcknowledgement,
  WebhookCredentials,
  WebhookEffect,
  WebhookEffectKind,
  WebhookOutcome,
  WebhookProvider,
  WebhookSource,
} from './providers/index.js';
export {
  DEFAULT_EMBEDDER_MAX_BATCH,
  hashingEmbedder,
  ProviderError,
  retryAfterMs,
  WebhookSignatureError,
} from './providers/index.js';
export type { TenantActor } from './scope.js';
export { SecretErrorCode } from './secrets/index.js';
export type { SegmentsFacade } from './segments/facade.js';
export type {
  NearestMember,
  Predicate,
  PreviewMember,
  PreviewOptions,
  Rule,
  RulePreview,
  Segment,
  SegmentCreate,
  SegmentDraft,
  SegmentPreviewOptions,
  SegmentUpdate,
  VectorCriterion,
  VectorInput,
} from './segments/index.js';
export {
  MAX_RULE_DEPTH,
  MAX_RULE_PREDICATES,
  parseRule,
  renderRule,
  SegmentErrorCode,
} from './segments/index.js';
export type { SettingsFacade } from './settings/facade.js';
export type {
  FrequencyCap,
  SendingSettings,
  SendingSettingsUpdate,
} from './settings/index.js';
export { DEFAULT_SENDING_SETTINGS } from './settings/index.js';
export type { TemplatesFacade } from './templates/facade.js';
export type {
  RenderedEmail,
  RenderedSms,
  RenderedTemplate,
  Template,
  TemplateContext,
  TemplateCreate,
  TemplateCustomer,
  TemplateDraft,
  TemplateFormat,
  TemplateInvoice,
  TemplateInvoiceItem,
  TemplateIssue,
  TemplateListQuery,
  TemplateMatch,
  TemplateOrganization,
  TemplatePreviewInput,
  TemplateSearchInput,
  TemplateSource,
  TemplateUpdate,
  TemplateUrls,
} from './templates/index.js';
export { renderTemplate, SAMPLE_CUSTOMER, TemplateErrorCode } from './templates/index.js';
export type { TenancyFacade } from './tenancy/facade.js';
export type {
  MembershipCreate,
  MembershipUpdate,
  MembershipWithUser,
  OrganizationCreate,
  OrganizationUpdateInput,
  UserCreate,
} from './tenancy/index.js';
export { roleRank, TenancyErrorCode } from './tenancy/index.js';
export type { Me } from './tenancy/service.js';
export type { TenantFacade } from './tenant.js';
export type { TimelineFacade } from './timeline/facade.js';
export type {
  AttributionItemData,
  EventItemData,
  InvoiceItemData,
  MessageEventItemData,
  MessageItemData,
  PaymentItemData,
  TimelineItem,
  TimelinePage,
  TimelineQuery,
  TimelineType,
} from './timeline/index.js';
export { TIMELINE_TYPES } from './timeline/index.js';
export { TrackingErrorCode } from './tracking/index.js';
export type {
  WebhookListQuery,
  WebhookOut,
  WebhookPage,
  WebhookReprocessInput,
  WebhookStats,
  WebhookSummary,
  WebhooksOptions,
} from './webhooks/index.js';
export { WebhookErrorCode } from './webhooks/index.js';

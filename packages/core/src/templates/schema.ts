/**
 * zod inputs and outputs of the templates module. A template is an email (a subject and an
 * HTML or MJML body) or an SMS (a text body), both written in Liquid over the documented
 * variable set (`variables.ts`). The schemas check shapes and sizes; Liquid and MJML are
 * checked by the service (`TEMPLATE_INVALID` with line and column).
 */
import { z } from '@hono/zod-openapi';

/**
 * Largest content accepted, in characters. Gmail clips a message past ~102 kB of HTML, so
 * a template near this size is already too big to be read whole.
 */
const MAX_TEMPLATE_CONTENT = 100_000;

const nameSchema = z.string().trim().min(1).max(200);
/** Liquid that renders to one line; longer subjects are cut by most mail clients anyway. */
const subjectSchema = z.string().trim().min(1).max(500);
const contentSchema = z.string().min(1).max(MAX_TEMPLATE_CONTENT);
/** How an email's content is written: HTML, or MJML compiled to responsive HTML. */
const emailFormatSchema = z.enum(['html', 'mjml']);
const formatSchema = z.enum(['html', 'mjml', 'text']);

const emailFields = {
  channel: z.literal('email'),
  name: nameSchema,
  subject: subjectSchema,
  /** @default 'html' */
  format: emailFormatSchema.default('html'),
  content: contentSchema,
};

const smsFields = {
  channel: z.literal('sms'),
  name: nameSchema,
  /** SMS content is plain text. @default 'text' */
  format: z.literal('text').default('text'),
  content: contentSchema,
};

/** A new template: an email (subject, format, content) or an SMS (content). */
export const templateCreateSchema = z
  .discriminatedUnion('channel', [z.strictObject(emailFields), z.strictObject(smsFields)])
  .openapi('TemplateCreate');
export type TemplateCreate = z.input<typeof templateCreateSchema>;

/**
 * A partial update. The channel is fixed at creation (a campaign picks a template of its
 * channel); `subject` and an email `format` apply to emails only.
 */
export const templateUpdateSchema = z
  .strictObject({
    name: nameSchema.optional(),
    subject: subjectSchema.optional(),
    format: formatSchema.optional(),
    content: contentSchema.optional(),
  })
  .openapi('TemplateUpdate');
export type TemplateUpdate = z.input<typeof templateUpdateSchema>;

/** Who a preview renders for: a customer of the organization, and optionally an invoice. */
const previewTargetFields = {
  /** The customer whose fields fill the template. */
  customerId: z.string().min(1).max(100),
  /**
   * The invoice for `invoice.*` variables. @default the customer's most recent invoice,
   * when the template reads `invoice` (none: the preview renders without one)
   */
  invoiceId: z.string().min(1).max(100).optional(),
};

/** Preview of a stored template. */
export const templatePreviewSchema = z
  .strictObject(previewTargetFields)
  .openapi('TemplatePreviewRequest');
export type TemplatePreviewInput = z.input<typeof templatePreviewSchema>;

/** Preview of an unsaved draft: a template's fields (name optional) and the target. */
export const templateDraftSchema = z
  .discriminatedUnion('channel', [
    z.strictObject({ ...emailFields, name: nameSchema.optional(), ...previewTargetFields }),
    z.strictObject({ ...smsFields, name: nameSchema.optional(), ...previewTargetFields }),
  ])
  .openapi('TemplateDraftPreviewRequest');
export type TemplateDraft = z.input<typeof templateDraftSchema>;

/** A template as the API returns it. */
export const templateOutSchema = z
  .strictObject({
    id: z.uuid(),
    organization_id: z.uuid(),
    name: z.string(),
    channel: z.enum(['email', 'sms']),
    format: formatSchema,
    /** Email only; null for SMS. */
    subject: z.string().nullable(),
    content: z.string(),
    /** The variables the template reads, e.g. `customer.first_name`, each once. */
    variables: z.array(z.string()),
    /** The user who created it (null when created by the system or the user is gone). */
    created_by: z.uuid().nullable(),
    created_at: z.string().openapi({ format: 'date-time' }),
    updated_at: z.string().openapi({ format: 'date-time' }),
  })
  .openapi('Template');

export const templateListOutSchema = z
  .strictObject({ items: z.array(templateOutSchema) })
  .openapi('TemplateList');

/** Query of the list: optionally one channel. */
export const templateListQuerySchema = z.strictObject({
  channel: z.enum(['email', 'sms']).optional(),
});
export type TemplateListQuery = z.input<typeof templateListQuerySchema>;

/** A rendered template: an email with its text alternative, or an SMS with its cost. */
export const renderedTemplateOutSchema = z
  .discriminatedUnion('channel', [
    z.strictObject({
      channel: z.literal('email'),
      subject: z.string(),
      html: z.string(),
      text: z.string(),
    }),
    z.strictObject({
      channel: z.literal('sms'),
      text: z.string(),
      encoding: z.enum(['GSM-7', 'UCS-2']),
      segments: z.number().int(),
      characters: z.number().int(),
    }),
  ])
  .openapi('RenderedTemplate');

/** A search of the organization's templates by meaning. */
export const templateSearchSchema = z
  .strictObject({
    /** What the template should be about, in words ("spring sale for plants"). */
    text: z.string().trim().min(1).max(1000),
    /** Only templates of this channel. */
    channel: z.enum(['email', 'sms']).optional(),
    /** Most templates returned. @default 10 */
    limit: z.number().int().min(1).max(50).default(10),
  })
  .openapi('TemplateSearch');
export type TemplateSearchInput = z.input<typeof templateSearchSchema>;

export const templateSearchOutSchema = z.object({
  items: z.array(
    templateOutSchema
      .extend({
        /** Cosine similarity of the template's embedding to the search text's, −1 to 1. */
        similarity: z.number(),
      })
      .openapi('TemplateMatch'),
  ),
});

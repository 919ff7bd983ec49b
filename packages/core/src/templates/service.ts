/**
 * Stored templates: create, read, update, delete, and previews for a real customer.
 *
 * Storage: the seed's `content` holds the Liquid source (HTML, MJML or SMS text), `subject`
 * the email subject (null for SMS), and `metadata.format` how an email's content is
 * written (`html` or `mjml`; `text` for SMS). Every save checks the content and subject
 * (`checkTemplate`) and refuses a template with a syntax error, an unknown filter, a
 * variable outside the documented set or invalid MJML — so the campaign engine only ever
 * meets templates that parse. `embedding` is NULL until the worker embeds the saved text
 * (`embeddings/templates.ts`); an update sets it NULL again.
 */
import type { Selectable } from 'kysely';
import { recordAudit } from '../audit/index.js';
import { isForeignKeyViolation } from '../db/pg-errors.js';
import type { Channel, TemplatesTable } from '../db/types.js';
import { toJson } from '../db/values.js';
import { CommonErrorCode, GreenTrackError } from '../errors.js';
import { inTransaction, type Scope } from '../scope.js';
import { isUuid, parseInput } from '../validation.js';
import { previewContext, sampleContext } from './context.js';
import { TemplateErrorCode } from './error-codes.js';
import {
  checkTemplate,
  type RenderedTemplate,
  renderTemplate,
  type TemplateFormat,
  type TemplateSource,
  templateVariables,
} from './render.js';
import {
  type TemplateCreate,
  type TemplateDraft,
  type TemplateListQuery,
  type TemplatePreviewInput,
  type TemplateUpdate,
  templateCreateSchema,
  templateDraftSchema,
  templateListQuerySchema,
  templatePreviewSchema,
  templateUpdateSchema,
} from './schema.js';

/** A template as services return it. */
export interface Template {
  id: string;
  organization_id: string;
  name: string;
  channel: Channel;
  format: TemplateFormat;
  /** Email only; null for SMS. */
  subject: string | null;
  /** The Liquid source. */
  content: string;
  /** The variables it reads, e.g. `customer.first_name`, each once. */
  variables: string[];
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
}

/** GreenTrack's own keys in `templates.metadata`. */
interface TemplateMetadata {
  format?: TemplateFormat;
}

export const templateColumns = [
  'id',
  'organization_id',
  'name',
  'channel',
  'subject',
  'content',
  'metadata',
  'created_by',
  'created_at',
  'updated_at',
] as const;
type TemplateRow = Pick<Selectable<TemplatesTable>, (typeof templateColumns)[number]>;

function notFound(): GreenTrackError {
  return new GreenTrackError({
    code: TemplateErrorCode.TEMPLATE_NOT_FOUND,
    message: 'Template not found',
  });
}

function metadataOf(row: { metadata: unknown }): TemplateMetadata {
  const m = row.metadata;
  return m && typeof m === 'object' && !Array.isArray(m) ? (m as TemplateMetadata) : {};
}

/** The stored format; a row written around the API without one reads as HTML / text. */
function formatOf(row: Pick<TemplateRow, 'channel' | 'metadata'>): TemplateFormat {
  const format = metadataOf(row).format;
  if (row.channel === 'sms') return 'text';
  return format === 'mjml' ? 'mjml' : 'html';
}

/** What rendering needs of a stored template row. */
export function templateSource(
  row: Pick<TemplateRow, 'channel' | 'subject' | 'content' | 'metadata'>,
): TemplateSource {
  return {
    channel: row.channel,
    format: formatOf(row),
    subject: row.channel === 'email' ? row.subject : null,
    content: row.content,
  };
}

export function toTemplate(row: TemplateRow): Template {
  const source = templateSource(row);
  return {
    id: row.id,
    organization_id: row.organization_id,
    name: row.name,
    channel: row.channel,
    format: source.format,
    subject: source.subject,
    content: row.content,
    variables: safeVariables(source),
    created_by: row.created_by,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

/** A row written around the API may not parse: it lists no variables rather than failing a read. */
function safeVariables(source: TemplateSource): string[] {
  try {
    return templateVariables(source);
  } catch {
    return [];
  }
}

/** @throws `TEMPLATE_INVALID` listing every problem with its line and column */
async function assertValid(source: TemplateSource): Promise<void> {
  const issues = await checkTemplate(source);
  if (issues.length === 0) return;
  const where = (i: (typeof issues)[number]) =>
    i.line === undefined ? i.path : `${i.path} ${i.line}:${i.column ?? 1}`;
  throw new GreenTrackError({
    code: TemplateErrorCode.TEMPLATE_INVALID,
    message: `Invalid template: ${issues.map((i) => `${where(i)}: ${i.message}`).join('; ')}`,
    details: { issues },
  });
}

/** A field the channel does not have, as a validation failure naming it. */
function wrongField(path: string, message: string): GreenTrackError {
  return new GreenTrackError({
    code: CommonErrorCode.VALIDATION_FAILED,
    message: `Invalid template: ${path}: ${message}`,
    details: { issues: [{ path, message }] },
  });
}

/** The organization's template `templateId`, as a query. @throws `TEMPLATE_NOT_FOUND` */
function templateById(scope: Scope, templateId: string) {
  // A malformed id cannot exist; answering NOT_FOUND (not 400) keeps ids opaque.
  if (!isUuid(templateId)) throw notFound();
  return scope.db
    .selectFrom('templates')
    .where('id', '=', templateId)
    .where('organization_id', '=', scope.organizationId);
}

async function findRow(scope: Scope, templateId: string, forUpdate = false): Promise<TemplateRow> {
  let query = templateById(scope, templateId).select(templateColumns);
  if (forUpdate) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  if (!row) throw notFound();
  return row;
}

const CHANGE_EVENTS = {
  create: 'template.created',
  update: 'template.updated',
  delete: 'template.deleted',
} as const;

/** The event and audit entry of one change, written in the change's transaction. */
async function recordChange(
  tx: Scope,
  change: 'create' | 'update' | 'delete',
  id: string,
  states: { before?: Template; after?: Template },
): Promise<void> {
  await recordAudit(tx, {
    action: `template.${change}`,
    entity: 'template',
    entityId: id,
    ...states,
  });
  tx.emit(CHANGE_EVENTS[change], {
    organizationId: tx.organizationId,
    templateId: id,
    actor: tx.actor,
  });
}

/**
 * Creates an email or SMS template.
 * @throws `VALIDATION_FAILED` (shape), `TEMPLATE_INVALID` (Liquid, variables, MJML; with
 * line and column)
 */
export async function createTemplate(scope: Scope, input: TemplateCreate): Promise<Template> {
  const parsed = parseInput(templateCreateSchema, input, { what: 'template' });
  const subject = parsed.channel === 'email' ? parsed.subject : null;
  await assertValid({ ...parsed, subject });
  return inTransaction(scope, async (tx) => {
    const now = tx.clock.now();
    const row = await tx.db
      .insertInto('templates')
      .values({
        organization_id: tx.organizationId,
        name: parsed.name,
        channel: parsed.channel,
        subject,
        content: parsed.content,
        metadata: toJson({ format: parsed.format } satisfies TemplateMetadata),
        created_by: tx.actor.type === 'user' ? tx.actor.id : null,
        created_at: now,
        updated_at: now,
      })
      .returning(templateColumns)
      .executeTakeFirstOrThrow();
    const template = toTemplate(row);
    await recordChange(tx, 'create', row.id, { after: template });
    return template;
  });
}

/** One template. @throws `TEMPLATE_NOT_FOUND` */
export async function getTemplate(scope: Scope, templateId: string): Promise<Template> {
  return toTemplate(await findRow(scope, templateId));
}

/**
 * The organization's templates by name, optionally of one channel. Not paginated: an
 * organization keeps tens to a few hundred templates, and a campaign editor lists them all.
 */
export async function listTemplates(
  scope: Scope,
  query: TemplateListQuery = {},
): Promise<Template[]> {
  const { channel } = parseInput(templateListQuerySchema, query, { what: 'template query' });
  let select = scope.db
    .selectFrom('templates')
    .select(templateColumns)
    .where('organization_id', '=', scope.organizationId);
  if (channel) select = select.where('channel', '=', channel);
  const rows = await select.orderBy('name').orderBy('id').execute();
  return rows.map(toTemplate);
}

/**
 * Renames a template or replaces its subject, format or content; the result is checked
 * whole. @throws `TEMPLATE_NOT_FOUND`, `VALIDATION_FAILED`, `TEMPLATE_INVALID`
 */
export async function updateTemplate(
  scope: Scope,
  templateId: string,
  input: TemplateUpdate,
): Promise<Template> {
  const parsed = parseInput(templateUpdateSchema, input, { what: 'template' });
  return inTransaction(scope, async (tx) => {
    const row = await findRow(tx, templateId, true);
    const before = toTemplate(row);
    if (before.channel === 'sms' && parsed.subject !== undefined)
      throw wrongField('subject', 'an SMS template has no subject');
    if (parsed.format !== undefined && (parsed.format === 'text') !== (before.channel === 'sms'))
      throw wrongField(
        'format',
        before.channel === 'sms' ? "an SMS template's format is text" : 'use html or mjml',
      );
    const source: TemplateSource = {
      channel: before.channel,
      format: parsed.format ?? before.format,
      subject: parsed.subject ?? before.subject,
      content: parsed.content ?? before.content,
    };
    // Checked inside the transaction: the row is locked, so the check sees what is saved.
    await assertValid(source);
    const updated = await tx.db
      .updateTable('templates')
      .set({
        ...(parsed.name !== undefined ? { name: parsed.name } : {}),
        subject: source.subject,
        content: source.content,
        metadata: toJson({ ...metadataOf(row), format: source.format } as Record<string, unknown>),
        // Stale now: the worker embeds the new text (embeddings/templates.ts).
        embedding: null,
        updated_at: tx.clock.now(),
      })
      .where('id', '=', row.id)
      .where('organization_id', '=', tx.organizationId)
      .returning(templateColumns)
      .executeTakeFirstOrThrow();
    const template = toTemplate(updated);
    await recordChange(tx, 'update', row.id, { before, after: template });
    return template;
  });
}

/** Deletes a template. @throws `TEMPLATE_NOT_FOUND`, `TEMPLATE_IN_USE` (a campaign uses it) */
export async function deleteTemplate(scope: Scope, templateId: string): Promise<void> {
  try {
    await inTransaction(scope, async (tx) => {
      const row = await findRow(tx, templateId, true);
      await tx.db
        .deleteFrom('templates')
        .where('id', '=', row.id)
        .where('organization_id', '=', tx.organizationId)
        .execute();
      await recordChange(tx, 'delete', row.id, { before: toTemplate(row) });
    });
  } catch (error) {
    if (isForeignKeyViolation(error)) {
      throw new GreenTrackError({
        code: TemplateErrorCode.TEMPLATE_IN_USE,
        message: 'A campaign uses this template; point the campaign elsewhere first',
        details: { templateId },
      });
    }
    throw error;
  }
}

/** Renders `source` for the preview target, reading an invoice only if the template uses one. */
async function renderFor(
  scope: Scope,
  source: TemplateSource,
  target: TemplatePreviewInput,
): Promise<RenderedTemplate> {
  const readsInvoice = templateVariables(source).some((v) => /^invoice\b/.test(v));
  return renderTemplate(source, await previewContext(scope, target, readsInvoice));
}

/**
 * A stored template rendered for one of the organization's customers, with placeholder
 * unsubscribe and preferences links.
 * @throws `TEMPLATE_NOT_FOUND`, `CUSTOMER_NOT_FOUND`, `NOT_FOUND` (invoice),
 * `TEMPLATE_RENDER_FAILED`
 */
export async function previewTemplate(
  scope: Scope,
  templateId: string,
  input: TemplatePreviewInput,
): Promise<RenderedTemplate> {
  const target = parseInput(templatePreviewSchema, input, { what: 'preview' });
  const template = await getTemplate(scope, templateId);
  return renderFor(scope, template, target);
}

/**
 * An unsaved draft checked like a save, then rendered for one of the organization's
 * customers (the template editor's live preview).
 * @throws `TEMPLATE_INVALID`, `CUSTOMER_NOT_FOUND`, `TEMPLATE_RENDER_FAILED`
 */
export async function previewTemplateDraft(
  scope: Scope,
  draft: TemplateDraft,
): Promise<RenderedTemplate> {
  const parsed = parseInput(templateDraftSchema, draft, { what: 'template' });
  const source: TemplateSource = {
    channel: parsed.channel,
    format: parsed.format,
    subject: parsed.channel === 'email' ? parsed.subject : null,
    content: parsed.content,
  };
  await assertValid(source);
  return renderFor(scope, source, parsed);
}

/**
 * A stored template rendered as a campaign's test send shows it: for one of the
 * organization's customers (as a preview does), or without one for `SAMPLE_CUSTOMER`.
 * Links are the preview placeholders, so a test can never unsubscribe anyone.
 * @throws `TEMPLATE_NOT_FOUND`, `CUSTOMER_NOT_FOUND`, `TEMPLATE_RENDER_FAILED` (e.g. a
 * template that reads `invoice`, rendered for the sample customer, who has none)
 */
export async function renderTemplateForTest(
  scope: Scope,
  templateId: string,
  customerId: string | undefined,
): Promise<RenderedTemplate> {
  const template = await getTemplate(scope, templateId);
  if (customerId !== undefined) return renderFor(scope, template, { customerId });
  return renderTemplate(template, await sampleContext(scope));
}

/**
 * The templates module's part of `gt.as(actor)`: email (HTML or MJML) and SMS templates in
 * Liquid, checked when saved, previewed for a real customer.
 */
import type { FacadeContext } from '../module.js';
import type { RenderedTemplate } from './render.js';
import type {
  TemplateCreate,
  TemplateDraft,
  TemplateListQuery,
  TemplatePreviewInput,
  TemplateSearchInput,
  TemplateUpdate,
} from './schema.js';
import { searchTemplates, type TemplateMatch } from './search.js';
import {
  createTemplate,
  deleteTemplate,
  getTemplate,
  listTemplates,
  previewTemplate,
  previewTemplateDraft,
  type Template,
  updateTemplate,
} from './service.js';

/** As segments: staff write content, admins delete; campaigns decide what is sent. */
export const templatePermissions = {
  /** Listing templates and previewing them (a preview shows one customer's fields). */
  'template.read': 'staff',
  /** Creating and editing templates (sending is the campaigns' decision). */
  'template.write': 'staff',
  'template.delete': 'admin',
} as const;
type TemplateAction = keyof typeof templatePermissions;

export interface TemplatesFacade {
  templates: {
    /** Every template of the organization, by name; optionally one channel (staff+). */
    list(query?: TemplateListQuery): Promise<Template[]>;
    /** One template (staff+). @throws `TEMPLATE_NOT_FOUND` */
    get(templateId: string): Promise<Template>;
    /**
     * Creates an email or SMS template (staff+).
     * @throws `TEMPLATE_INVALID` with `details.issues[]` of `{ path, message, line, column,
     * variable? }` for broken Liquid, an unknown variable or filter, or invalid MJML
     * @example
     * await org.templates.create({
     *   channel: 'email', name: 'Welcome', format: 'mjml',
     *   subject: 'Welcome, {{ customer.first_name }}',
     *   content: '<mjml><mj-body>…</mj-body></mjml>',
     * });
     */
    create(input: TemplateCreate): Promise<Template>;
    /** Changes a template (staff+); checked whole like a new one. @throws `TEMPLATE_INVALID` */
    update(templateId: string, input: TemplateUpdate): Promise<Template>;
    /** Deletes a template (admin+). @throws `TEMPLATE_IN_USE` when a campaign uses it */
    remove(templateId: string): Promise<void>;
    /**
     * Renders a template for one customer (staff+): subject, HTML and text of an email, or
     * an SMS's text, encoding and segment count. Links are placeholders.
     * @throws `CUSTOMER_NOT_FOUND`, `TEMPLATE_RENDER_FAILED`
     */
    preview(templateId: string, input: TemplatePreviewInput): Promise<RenderedTemplate>;
    /** The same for an unsaved draft (the editor's live preview). */
    previewDraft(draft: TemplateDraft): Promise<RenderedTemplate>;
    /**
     * The templates closest in meaning to `text`, closest first, with their cosine
     * similarity (staff+). Templates are embedded by the worker after each save, so one
     * saved since its last tick is not found yet.
     * @example await org.templates.search({ text: 'win back customers who stopped buying', channel: 'email' })
     */
    search(input: TemplateSearchInput): Promise<TemplateMatch[]>;
  };
}

export function templatesFacade({ on, deps }: FacadeContext<TemplateAction>): TemplatesFacade {
  return {
    templates: {
      list: on('template.read', (scope, query?: TemplateListQuery) => listTemplates(scope, query)),
      get: on('template.read', getTemplate),
      create: on('template.write', createTemplate),
      update: on('template.write', updateTemplate),
      remove: on('template.delete', deleteTemplate),
      preview: on('template.read', previewTemplate),
      previewDraft: on('template.read', previewTemplateDraft),
      search: on('template.read', (scope, input: TemplateSearchInput) =>
        searchTemplates(scope, deps.embedder, input),
      ),
    },
  };
}

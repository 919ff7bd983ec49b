/**
 * Templates: email (HTML or MJML) and SMS content in Liquid over a documented variable set,
 * checked when saved (line and column of every problem), rendered by one pure function
 * (`renderTemplate`) that previews use now and the campaign dispatcher will use per message.
 */
import { defineModule } from '../module.js';
import type { TemplateErrorCode as Code } from './error-codes.js';
import { templatePermissions, templatesFacade } from './facade.js';
import { registerTemplateRoutes } from './routes.js';

export {
  type InvoiceItemVariablesRow,
  type InvoiceVariablesRow,
  PREVIEW_URLS,
  SAMPLE_CUSTOMER,
  templateCustomer,
  templateInvoice,
  toTemplateInvoice,
} from './context.js';
export { TemplateErrorCode } from './error-codes.js';
export { findHtmlLinks, type HtmlLinks } from './html-links.js';
export { type PreparedTemplate, prepareTemplate } from './prepare.js';
export {
  type RenderedEmail,
  type RenderedSms,
  type RenderedTemplate,
  renderTemplate,
  type TemplateFormat,
  type TemplateIssue,
  type TemplateSource,
} from './render.js';
export type {
  TemplateCreate,
  TemplateDraft,
  TemplateListQuery,
  TemplatePreviewInput,
  TemplateSearchInput,
  TemplateUpdate,
} from './schema.js';
export type { TemplateMatch } from './search.js';
export { renderTemplateForTest, type Template, templateSource } from './service.js';
export type {
  TemplateContext,
  TemplateCustomer,
  TemplateInvoice,
  TemplateInvoiceItem,
  TemplateOrganization,
  TemplateUrls,
} from './variables.js';

export const templatesModule = defineModule({
  name: 'templates',
  tenantTables: ['templates'],
  permissions: templatePermissions,
  errorStatus: {
    TEMPLATE_NOT_FOUND: 404,
    TEMPLATE_INVALID: 400,
    TEMPLATE_IN_USE: 409,
    // The request and the template are valid; the data at hand cannot fill it.
    TEMPLATE_RENDER_FAILED: 422,
  } satisfies Record<Code, number>,
  routes: registerTemplateRoutes,
  facade: templatesFacade,
});

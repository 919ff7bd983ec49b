/**
 * The dispatcher's renderer: a stored template, rendered per recipient by the templates
 * module (Liquid, MJML, inlined CSS, text alternative; SMS segments).
 *
 * The per-recipient unsubscribe and preferences links are the preview placeholders until
 * the tracking endpoints sign real ones (issue 10, item 6).
 */
import {
  PREVIEW_URLS,
  renderTemplate,
  templateCustomer,
  templateSource,
} from '../templates/index.js';
import type { RenderMessage } from './dispatch.js';

export const renderWithTemplates: RenderMessage = async ({ template, customer, organization }) => {
  const rendered = await renderTemplate(
    templateSource({
      ...template,
      metadata: template.metadata as Parameters<typeof templateSource>[0]['metadata'],
    }),
    {
      customer: templateCustomer(customer as unknown as Parameters<typeof templateCustomer>[0]),
      organization,
      urls: PREVIEW_URLS,
      invoice: null,
    },
  );
  return rendered.channel === 'email'
    ? { channel: 'email', subject: rendered.subject, html: rendered.html, text: rendered.text }
    : { channel: 'sms', text: rendered.text };
};

/**
 * The dispatcher's renderer: a stored template, rendered per recipient by the templates
 * module (Liquid, MJML, inlined CSS, text alternative; SMS segments).
 *
 * Each template is prepared once (`prepareTemplate`) and kept by id and content, so MJML
 * and juice run once per template shape instead of once per recipient (decision P1); only
 * Liquid and the text alternative run per message. An edited template has new content,
 * hence a new entry: a run never renders with stale content.
 *
 * The per-recipient unsubscribe and preferences links are the preview placeholders until
 * the tracking endpoints sign real ones (issue 10, item 6).
 */
import {
  PREVIEW_URLS,
  type PreparedTemplate,
  prepareTemplate,
  templateCustomer,
  templateSource,
} from '../templates/index.js';
import type { RenderMessage } from './dispatch.js';

/** Prepared templates one renderer keeps (least recently used dropped first). */
const MAX_TEMPLATES = 50;

type DispatchTemplate = Parameters<RenderMessage>[0]['template'];

/**
 * A renderer for the dispatcher with its own cache of prepared templates (one per
 * GreenTrack instance).
 */
export function createTemplateRenderer(): RenderMessage {
  const prepared = new Map<string, Promise<PreparedTemplate>>();
  const prepare = (template: DispatchTemplate): Promise<PreparedTemplate> => {
    const source = templateSource({
      ...template,
      metadata: template.metadata as Parameters<typeof templateSource>[0]['metadata'],
    });
    const key = JSON.stringify([template.id, source.format, source.subject, source.content]);
    let entry = prepared.get(key);
    if (entry) {
      prepared.delete(key);
    } else {
      entry = prepareTemplate(source);
      if (prepared.size >= MAX_TEMPLATES) prepared.delete(prepared.keys().next().value as string);
    }
    prepared.set(key, entry);
    return entry;
  };

  return async ({ template, customer, organization }) => {
    const rendered = await (await prepare(template)).render({
      customer: templateCustomer(customer as unknown as Parameters<typeof templateCustomer>[0]),
      organization,
      urls: PREVIEW_URLS,
      invoice: null,
    });
    return rendered.channel === 'email'
      ? { channel: 'email', subject: rendered.subject, html: rendered.html, text: rendered.text }
      : { channel: 'sms', text: rendered.text };
  };
}

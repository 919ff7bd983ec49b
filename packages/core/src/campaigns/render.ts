/**
 * The dispatcher's renderer: a stored template, rendered per recipient by the templates
 * module (Liquid, MJML, inlined CSS, text alternative; SMS segments), then decorated by the
 * tracking module: the recipient's signed unsubscribe/preferences URLs in `urls`, the
 * campaign's UTM on every link, click redirects and the open pixel, `List-Unsubscribe`.
 *
 * Without tracking (no `secret` or `tracking.baseUrl`, only allowed with the outbox) the
 * links are the preview placeholders, which never resolve, and only UTM is added.
 *
 * Each template is prepared once (`prepareTemplate`) and kept by id and content, so MJML
 * and juice run once per template shape instead of once per recipient (decision 98); only
 * Liquid, the text alternative and the link decoration run per message, the latter two
 * without tokenizing the message's HTML when the template's shape was compiled (the shape
 * knows where its links are). An edited template
 * has new content, hence a new entry: a run never renders with stale content.
 */

import type { RenderMessage } from '../providers/message-render.js';
import {
  PREVIEW_URLS,
  type PreparedTemplate,
  prepareTemplate,
  templateCustomer,
  templateSource,
} from '../templates/index.js';
import { type TrackingLinks, untrackedMessage } from '../tracking/index.js';

/** Prepared templates one renderer keeps (least recently used dropped first). */
const MAX_TEMPLATES = 50;

type DispatchTemplate = Parameters<RenderMessage>[0]['template'];

/**
 * The renderer of campaign messages, signing links with `links` when given, with its own
 * cache of prepared templates (one per GreenTrack instance).
 */
export function createCampaignRenderer(links: TrackingLinks | undefined): RenderMessage {
  const prepared = new Map<string, Promise<PreparedTemplate>>();
  // A run hands the same template row for each of its messages: found by identity, the
  // key (the whole content as JSON: 3 % of a worker's busy CPU per message) is built once per run.
  const byRow = new WeakMap<DispatchTemplate, Promise<PreparedTemplate>>();
  const prepare = (template: DispatchTemplate): Promise<PreparedTemplate> => {
    const known = byRow.get(template);
    if (known) return known;
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
    byRow.set(template, entry);
    return entry;
  };

  return async ({ template, customer, organization, messageId, utm, invoice }) => {
    const message = { organizationId: organization.id, messageId, channel: template.channel, utm };
    const tracking = links
      ? links.forMessage(message)
      : untrackedMessage(message, { ...PREVIEW_URLS });
    const rendered = await (await prepare(template)).render({
      customer: templateCustomer(customer as unknown as Parameters<typeof templateCustomer>[0]),
      organization,
      urls: tracking.urls,
      invoice: invoice ?? null,
    });
    const decorated = tracking.decorate(
      rendered.channel === 'email'
        ? {
            channel: 'email',
            subject: rendered.subject,
            html: rendered.html,
            text: rendered.text,
            ...(rendered.links === undefined ? {} : { links: rendered.links }),
          }
        : { channel: 'sms', text: rendered.text },
    );
    return { ...decorated, headers: tracking.headers };
  };
}

/** The renderer without tracking: placeholder unsubscribe links, UTM only (dry runs, tests). */
export const renderWithTemplates: RenderMessage = createCampaignRenderer(undefined);

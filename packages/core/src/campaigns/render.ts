/**
 * The dispatcher's renderer: a stored template, rendered per recipient by the templates
 * module (Liquid, MJML, inlined CSS, text alternative; SMS segments), then decorated by the
 * tracking module: the recipient's signed unsubscribe/preferences URLs in `urls`, the
 * campaign's UTM on every link, click redirects and the open pixel, `List-Unsubscribe`.
 *
 * Without tracking (no `secret` or `tracking.baseUrl`, only allowed with the outbox) the
 * links are the preview placeholders, which never resolve, and only UTM is added.
 */

import type { RenderMessage } from '../providers/message-render.js';
import {
  PREVIEW_URLS,
  renderTemplate,
  templateCustomer,
  templateSource,
} from '../templates/index.js';
import { type TrackingLinks, untrackedMessage } from '../tracking/index.js';

/** The renderer of campaign messages, signing links with `links` when given. */
export function createCampaignRenderer(links: TrackingLinks | undefined): RenderMessage {
  return async ({ template, customer, organization, messageId, utm }) => {
    const message = { organizationId: organization.id, messageId, channel: template.channel, utm };
    const tracking = links
      ? links.forMessage(message)
      : untrackedMessage(message, { ...PREVIEW_URLS });
    const rendered = await renderTemplate(
      templateSource({
        ...template,
        metadata: template.metadata as Parameters<typeof templateSource>[0]['metadata'],
      }),
      {
        customer: templateCustomer(customer as unknown as Parameters<typeof templateCustomer>[0]),
        organization,
        urls: tracking.urls,
        invoice: null,
      },
    );
    const decorated = tracking.decorate(
      rendered.channel === 'email'
        ? { channel: 'email', subject: rendered.subject, html: rendered.html, text: rendered.text }
        : { channel: 'sms', text: rendered.text },
    );
    return { ...decorated, headers: tracking.headers };
  };
}

/** The renderer without tracking: placeholder unsubscribe links, UTM only (dry runs, tests). */
export const renderWithTemplates: RenderMessage = createCampaignRenderer(undefined);

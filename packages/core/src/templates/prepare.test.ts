/**
 * A prepared template renders exactly what `renderTemplate` renders — subject, HTML, text,
 * SMS segments, and the same errors — over the render tests' templates and customers whose
 * fields are awkward (markup, quotes, entities, whitespace at the edges, empty, missing),
 * while compiling MJML once per shape instead of once per recipient.
 */
import { describe, expect, it } from 'vitest';
import { context, email, invoice, MJML, RENDER_CASES } from '../../test/template-cases.js';
import { prepareTemplate } from './prepare.js';
import { renderTemplate, type TemplateSource } from './render.js';
import type { TemplateContext } from './variables.js';

/** Names chosen to break a naive substitution. */
const NAMES = [
  'Ada <b>Lovelace</b> & Co',
  `O'Brien "the quoted"`,
  'Zoé 😀 Łucja',
  '  spaced   out\nnew line ',
  '&amp; &lt;already escaped&gt;',
  '',
  'A very long name that goes on and on so that the text alternative has to wrap it somewhere',
];

const INVOICE = {
  ...invoice,
  items: [
    { name: 'Gear <&>', description: null, quantity: '1', unit_price: '100.00', total: '100.00' },
  ],
};

/** Each name, with and without an email (the `if` of the MJML case) and an invoice. */
const contexts: TemplateContext[] = NAMES.flatMap((name) =>
  [context.customer.email, null].flatMap((address) =>
    [null, INVOICE].map((invoice) => ({
      ...context,
      customer: {
        ...context.customer,
        name,
        first_name: name.trim().split(/\s+/)[0] ?? '',
        email: address,
        city: name === '' ? null : context.customer.city,
      },
      invoice,
    })),
  ),
);

/** What a render gives, or the error's code and details: both must match. */
const outcome = (render: Promise<unknown>) =>
  render.then(
    (value) => ({ value }),
    (error: { code?: string; details?: unknown; message?: string }) => ({
      error: { code: error.code, details: error.details, message: error.message },
    }),
  );

/** The benchmark's kind of template: Liquid in text, in attributes and an `if` inside text. */
const MARKETING = email(
  `<mjml><mj-head><mj-style>.note div { color: #555555 !important; }</mj-style></mj-head>
  <mj-body><mj-section><mj-column>
    <mj-text font-size="20px">Hello {{ customer.first_name }},</mj-text>
    <mj-text css-class="note">Our sale for {{ organization.name }} customers in
      {{ customer.city | default: "your city" }} starts today.
      {% if customer.tags contains "vip" %}As a VIP you get early access.{% endif %}</mj-text>
    <mj-button href="https://shop.example/sale?who={{ customer.name | url_encode }}&amp;x=1">Shop</mj-button>
    <mj-text><a href="{{ urls.unsubscribe }}">Unsubscribe</a></mj-text>
  </mj-column></mj-section></mj-body></mjml>`,
  'Sale, {{ customer.first_name }}',
  'mjml',
);

const cases: Array<[string, TemplateSource]> = [
  ...Object.entries(RENDER_CASES),
  ['a marketing email', MARKETING],
  [
    'Liquid inside CSS (rendered in full)',
    email(
      `<mjml><mj-head><mj-style>.x { color: {{ customer.city | default: "red" }}; }</mj-style></mj-head><mj-body><mj-section><mj-column><mj-text css-class="x">{{ customer.name }}</mj-text></mj-column></mj-section></mj-body></mjml>`,
      'Hi',
      'mjml',
    ),
  ],
];

describe('prepareTemplate', () => {
  it.each(cases)(
    'renders %s exactly as renderTemplate does, for every customer',
    async (_, source) => {
      const prepared = await prepareTemplate(source);
      for (const ctx of contexts) {
        const fast = await outcome(prepared.render(ctx));
        const reference = await outcome(renderTemplate(source, ctx));
        expect(fast, `${JSON.stringify(ctx.customer.name)}, email ${ctx.customer.email}`).toEqual(
          reference,
        );
      }
    },
  );

  it('compiles MJML once per shape, not once per recipient', async () => {
    const prepared = await prepareTemplate(email(MJML, 'Welcome', 'mjml'));
    for (let i = 0; i < 40; i++) {
      await prepared.render({
        ...context,
        customer: {
          ...context.customer,
          name: `Customer ${i}`,
          email: i % 2 === 0 ? `c${i}@example.com` : null,
        },
      });
    }
    // Two shapes: with the button (an email) and without.
    expect(prepared.stats).toEqual({ shapes: 2, full: 0 });
  });

  it('renders in full where a placeholder would not survive (Liquid in CSS)', async () => {
    const [, inCss] = cases[cases.length - 1] ?? [];
    if (!inCss) throw new Error('missing case');
    const prepared = await prepareTemplate(inCss);
    await prepared.render(context);
    await prepared.render(context);
    expect(prepared.stats).toEqual({ shapes: 1, full: 2 });
  });
});

/**
 * A prepared template renders exactly what `renderTemplate` renders — subject, HTML, text,
 * SMS segments, and the same errors — over the render tests' templates and customers whose
 * fields are awkward (markup, quotes, entities, whitespace at the edges, empty, missing),
 * while compiling MJML once per shape instead of once per recipient; and where it hands
 * over the offsets of its links (so decoration skips its parse), they are the parser's.
 */
import { describe, expect, it } from 'vitest';
import { context, email, invoice, MJML, RENDER_CASES } from '../../test/template-cases.js';
import { findHtmlLinks } from './html-links.js';
import { type PreparedRender, prepareTemplate } from './prepare.js';
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
    (value) => ({ value: withoutLinks(value) }),
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

/**
 * Links in every form htmlparser2 reads, a placeholder inside hrefs, comments and inline
 * styles that the text alternative's reduced HTML leaves out, Liquid in `<title>`.
 */
const LINKS = email(
  `<html><head><title>{{ organization.name }}</title></head>
<body style="margin:0"><!--[if mso]><table><tr><td><![endif]-->
<p style="color:#333">Hi {{ customer.first_name }}, <a href="https://shop.example/p/{{ customer.city | url_encode }}?a=1&amp;b=2">shop</a>
<a href='https://single.example/x?q=&quot;'>single</a> <a href=https://bare.example/y>bare</a> <a href>none</a>
<!-- <a href="https://commented.example/">no</a> --><map><area href="https://area.example/{{ customer.id }}"></map>
<a href="{{ urls.preferences }}">prefs</a> <a href="mailto:{{ customer.email }}">me</a></p>
<!--[if mso]></td></tr></table><![endif]--><ul><li>{{ customer.name }}</li><li><b>{{ customer.city }}</b>!</li></ul>
</body></html>`,
  'Links for {{ customer.first_name }}',
);

const cases: Array<[string, TemplateSource]> = [
  ...Object.entries(RENDER_CASES),
  ['a marketing email', MARKETING],
  ['an HTML email with links in every form', LINKS],
  [
    'Liquid inside CSS (rendered in full)',
    email(
      `<mjml><mj-head><mj-style>.x { color: {{ customer.city | default: "red" }}; }</mj-style></mj-head><mj-body><mj-section><mj-column><mj-text css-class="x">{{ customer.name }}</mj-text></mj-column></mj-section></mj-body></mjml>`,
      'Hi',
      'mjml',
    ),
  ],
];

/** A prepared render without the link offsets `renderTemplate` does not give. */
function withoutLinks(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || !('links' in value)) return value;
  const { links: _, ...rendered } = value as PreparedRender;
  return rendered;
}

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

  it.each(cases.filter(([, source]) => source.channel === 'email'))(
    'gives the offsets of the links of %s exactly as the parser finds them',
    async (_, source) => {
      const prepared = await prepareTemplate(source);
      let given = 0;
      for (const ctx of contexts) {
        const rendered = await prepared.render(ctx).catch(() => undefined);
        if (rendered?.channel !== 'email' || !rendered.links) continue;
        given += 1;
        expect(rendered.links, JSON.stringify(ctx.customer.name)).toEqual(
          findHtmlLinks(rendered.html),
        );
      }
      // Every recipient rendered from a compiled shape carries its links (the others are
      // rendered in full, and the decoration parses their HTML).
      expect(given).toBe(contexts.length - prepared.stats.full);
    },
  );

  it('finds the links of a shape with a value inside an href, decoded', async () => {
    const prepared = await prepareTemplate(LINKS);
    const rendered = await prepared.render({
      ...context,
      customer: { ...context.customer, city: 'São Paulo & "Co"' },
    });
    if (rendered.channel !== 'email') throw new Error('not an email');
    expect(prepared.stats).toEqual({ shapes: 1, full: 0 });
    expect(rendered.links?.hrefs.map((h) => h.url)).toEqual([
      'https://shop.example/p/S%C3%A3o+Paulo+%26+%22Co%22?a=1&b=2',
      'https://single.example/x?q="',
      'https://bare.example/y',
      '',
      `https://area.example/${context.customer.id}`,
      context.urls.preferences,
      `mailto:${context.customer.email}`,
    ]);
  });

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

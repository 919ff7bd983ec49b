/**
 * Checking and rendering template content (pure: no database): Liquid syntax and unknown
 * variables with line and column, MJML compiled with CSS inlined and a text alternative,
 * HTML escaping of customer fields, and SMS encoding and segment counts at the GSM-7 and
 * UCS-2 boundaries.
 */
import { describe, expect, it } from 'vitest';
import { failure } from '../../test/errors.js';
import { context, email, invoice, MJML, RENDER_CASES, sms } from '../../test/template-cases.js';
import { PREVIEW_URLS } from './context.js';
import { checkTemplate, renderTemplate, templateVariables } from './render.js';

describe('checkTemplate', () => {
  it('accepts the documented variables, Liquid locals, list properties and filters', async () => {
    const source = RENDER_CASES['the documented variables, locals and filters'];
    if (!source) throw new Error('missing case');
    expect(await checkTemplate(source)).toEqual([]);
    // Each once, grouped by root (liquidjs's order).
    expect(templateVariables(source)).toEqual([
      'customer.first_name',
      'customer.tags',
      'customer.tags.size',
      'customer.tags.first',
      'customer.name.size',
      'customer.phone',
      'organization.name',
      'invoice',
      'invoice.total',
      'invoice.items[0].name',
      'urls.unsubscribe',
    ]);
  });

  it('reports an unknown variable with its line, column and name', async () => {
    const issues = await checkTemplate(
      email('<p>Hello</p>\n<p>Dear {{ customer.nmae }},</p>', 'For {{ cusotmer.name }}'),
    );
    expect(issues).toEqual([
      {
        path: 'content',
        message: 'unknown variable customer.nmae',
        line: 2,
        column: 12,
        variable: 'customer.nmae',
      },
      {
        path: 'subject',
        message: 'unknown variable cusotmer.name',
        line: 1,
        column: 8,
        variable: 'cusotmer.name',
      },
    ]);
  });

  it('refuses fields beyond the set: too deep, a computed property of an object, a list property on an object', async () => {
    const variables = (
      await checkTemplate(
        sms(
          '{{ customer.name.first }} {{ customer[customer.name] }} {{ organization.first }} {{ urls }} {{ invoice.items.owner }}',
        ),
      )
    ).map((i) => i.variable);
    expect(variables).toEqual([
      'customer.name.first',
      'customer[customer.name]',
      'organization.first',
      'invoice.items.owner',
    ]);
  });

  it('reports broken syntax and unknown filters with line and column', async () => {
    expect(await checkTemplate(sms('Hi\n  {{ customer.name '))).toEqual([
      {
        path: 'content',
        message: 'output "{{ customer.name " not closed',
        line: 2,
        column: 3,
      },
    ]);
    expect(await checkTemplate(sms('{% if customer.email %}\nno end'))).toMatchObject([
      { path: 'content', message: 'tag {% if customer.email %} not closed', line: 1, column: 1 },
    ]);
    expect(await checkTemplate(sms('a\nb {{ customer.name | shout }}'))).toMatchObject([
      { path: 'content', message: 'undefined filter: shout', line: 2, column: 3 },
    ]);
  });

  it('refuses the tags that read files from the server', async () => {
    for (const tag of ['include', 'render', 'layout']) {
      expect(await checkTemplate(sms(`x {% ${tag} "/etc/passwd" %}`))).toEqual([
        {
          path: 'content',
          message: `{% ${tag} %} is not available in templates`,
          line: 1,
          column: 3,
        },
      ]);
    }
  });

  it('reports invalid MJML at its line in the source, Liquid blanked out', async () => {
    const issues = await checkTemplate(
      email(
        [
          '<mjml>',
          '  <mj-body>',
          '    {% if customer.email %}',
          '    <mj-section>',
          '      <mj-colum><mj-text>{{ customer.name }}</mj-text></mj-colum>',
          '    </mj-section>',
          '    {% endif %}',
          '  </mj-body>',
          '</mjml>',
        ].join('\n'),
        'Hi',
        'mjml',
      ),
    );
    expect(issues).toContainEqual({
      path: 'content',
      message: "MJML: Element mj-colum doesn't exist or is not registered",
      line: 5,
    });
    // MJML's own messages name the host's working directory; ours never do.
    expect(JSON.stringify(issues)).not.toContain(process.cwd());
  });
});

describe('renderTemplate', () => {
  it('compiles MJML to responsive HTML with CSS inlined and a plain-text alternative', async () => {
    const rendered = await renderTemplate(
      email(MJML, 'Welcome, {{ customer.first_name }}', 'mjml'),
      context,
    );
    if (rendered.channel !== 'email') throw new Error('expected an email');
    expect(rendered.subject).toBe('Welcome, Ada');
    // Responsive: MJML's media queries stay in a <style> block for clients that honour it.
    expect(rendered.html).toMatch(/@media only screen and \(min-width:480px\)/);
    // Inlined: the class's rule now sits on the element.
    expect(rendered.html).toMatch(/class="greeting"[^>]*style="[^"]*color: #0a7f3f/);
    // The Liquid `if` around the button survived: Liquid ran before MJML.
    expect(rendered.html).toContain(`href="${PREVIEW_URLS.unsubscribe}"`);
    // Escaped in HTML, decoded in text.
    expect(rendered.html).toContain('Hello Ada &lt;b&gt;Lovelace&lt;/b&gt; &amp; Co');
    expect(rendered.text).toContain('Hello Ada <b>Lovelace</b> & Co');
    expect(rendered.text).toContain(`Unsubscribe [${PREVIEW_URLS.unsubscribe}]`);
  });

  it('inlines the CSS of an HTML email; `| raw` opts out of escaping', async () => {
    const rendered = await renderTemplate(
      email(
        '<style>p { margin: 0 }</style><p>{{ customer.name }}</p><div>{{ "<i>ok</i>" | raw }}</div>',
      ),
      context,
    );
    if (rendered.channel !== 'email') throw new Error('expected an email');
    expect(rendered.html).toContain(
      '<p style="margin: 0;">Ada &lt;b&gt;Lovelace&lt;/b&gt; &amp; Co</p>',
    );
    expect(rendered.html).toContain('<div><i>ok</i></div>');
  });

  it('keeps the subject on one line and unescaped', async () => {
    const rendered = await renderTemplate(
      email('x', '{{ customer.name }}\r\nBcc: x@example.com'),
      context,
    );
    expect(rendered).toMatchObject({ subject: 'Ada <b>Lovelace</b> & Co Bcc: x@example.com' });
  });

  it('renders invoice fields when given one; without one, `{% if invoice %}` is false', async () => {
    const source = sms(
      '{% if invoice %}Invoice {{ invoice.number }}: {{ invoice.amount_due }} {{ invoice.currency }}{% else %}No invoice{% endif %}',
    );
    expect(await renderTemplate(source, context)).toMatchObject({ text: 'No invoice' });
    expect(await renderTemplate(source, { ...context, invoice })).toMatchObject({
      text: 'Invoice INV-7: 108.00 USD',
    });
  });

  it('fails with TEMPLATE_RENDER_FAILED and the place when the context lacks a variable', async () => {
    const error = await failure(renderTemplate(sms('Due:\n {{ invoice.total }}'), context));
    expect(error.code).toBe('TEMPLATE_RENDER_FAILED');
    expect(error.details).toEqual({
      issues: [{ path: 'content', message: 'undefined variable: invoice', line: 2, column: 5 }],
    });
  });

  it('stops a template that loops too long', async () => {
    const error = await failure(
      renderTemplate(sms('{% for i in (1..100000000) %}{{ i }}{% endfor %}'), context),
    );
    expect(error.code).toBe('TEMPLATE_RENDER_FAILED');
  });

  it('counts SMS segments: GSM-7 160/153 per part, UCS-2 70/67', async () => {
    const measure = async (text: string) => {
      const rendered = await renderTemplate(sms(text), context);
      if (rendered.channel !== 'sms') throw new Error('expected an SMS');
      return [rendered.encoding, rendered.segments, rendered.characters];
    };
    expect(await measure('a'.repeat(160))).toEqual(['GSM-7', 1, 160]);
    expect(await measure('a'.repeat(161))).toEqual(['GSM-7', 2, 161]);
    expect(await measure('a'.repeat(306))).toEqual(['GSM-7', 2, 306]);
    expect(await measure('a'.repeat(307))).toEqual(['GSM-7', 3, 307]);
    // `€` is in GSM-7's extension table: two septets each.
    expect(await measure('€'.repeat(80))).toEqual(['GSM-7', 1, 160]);
    expect(await measure('€'.repeat(81))).toEqual(['GSM-7', 2, 162]);
    expect(await measure('ć'.repeat(70))).toEqual(['UCS-2', 1, 70]);
    expect(await measure('ć'.repeat(71))).toEqual(['UCS-2', 2, 71]);
    expect(await measure('ć'.repeat(134))).toEqual(['UCS-2', 2, 134]);
    expect(await measure('ć'.repeat(135))).toEqual(['UCS-2', 3, 135]);
    // `é` is in GSM-7; one customer field outside it (`Ł`) turns the whole message into UCS-2.
    const rendered = await renderTemplate(sms(`Hi {{ customer.first_name }} ${'a'.repeat(70)}`), {
      ...context,
      customer: { ...context.customer, first_name: 'Zoé' },
    });
    expect(rendered).toMatchObject({ encoding: 'GSM-7', segments: 1 });
    const polish = await renderTemplate(sms(`Hi {{ customer.first_name }} ${'a'.repeat(70)}`), {
      ...context,
      customer: { ...context.customer, first_name: 'Łucja' },
    });
    expect(polish).toMatchObject({ encoding: 'UCS-2', segments: 2 });
  });
});

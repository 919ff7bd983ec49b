/**
 * Templates and a render context shared by the template tests: `render.test.ts` checks what
 * `renderTemplate` makes of them, `prepare.test.ts` that a prepared template makes the same.
 */
import { PREVIEW_URLS } from '../src/templates/context.js';
import type { TemplateSource } from '../src/templates/render.js';
import type { TemplateContext } from '../src/templates/variables.js';

export const context: TemplateContext = {
  customer: {
    id: '00000000-0000-4000-8000-000000000001',
    name: 'Ada <b>Lovelace</b> & Co',
    first_name: 'Ada',
    type: 'customer',
    email: 'ada@example.com',
    phone: null,
    address_line1: null,
    address_line2: null,
    city: 'London',
    state: null,
    postal_code: null,
    country: 'GB',
    tags: ['vip', 'beta'],
  },
  organization: { id: '00000000-0000-4000-8000-000000000002', name: 'Analytical Engines' },
  urls: PREVIEW_URLS,
};

export const email = (
  content: string,
  subject = 'Hi',
  format: 'html' | 'mjml' = 'html',
): TemplateSource => ({
  channel: 'email',
  format,
  subject,
  content,
});

export const sms = (content: string): TemplateSource => ({
  channel: 'sms',
  format: 'text',
  subject: null,
  content,
});

/** An invoice as templates see it (major units as decimal text). */
export const invoice: NonNullable<TemplateContext['invoice']> = {
  id: 'i1',
  number: 'INV-7',
  status: 'sent',
  currency: 'USD',
  subtotal: '100.00',
  tax: '8.00',
  total: '108.00',
  amount_due: '108.00',
  due_date: '2026-04-01',
  payment_url: null,
  items: [],
};

/** An MJML email whose Liquid `if` sits between MJML elements (MJML alone would drop it). */
export const MJML = `<mjml>
  <mj-head>
    <mj-style>.greeting { color: #0a7f3f; }</mj-style>
  </mj-head>
  <mj-body>
    <mj-section>
      <mj-column>
        <mj-text css-class="greeting">Hello {{ customer.name }}</mj-text>
        {% if customer.email %}<mj-button href="{{ urls.unsubscribe }}">Unsubscribe</mj-button>{% endif %}
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>`;

/** The templates `render.test.ts` renders, by what each exercises. */
export const RENDER_CASES: Record<string, TemplateSource> = {
  'MJML with an `if` between elements': email(MJML, 'Welcome, {{ customer.first_name }}', 'mjml'),
  'HTML with a <style> and `| raw`': email(
    '<style>p { margin: 0 }</style><p>{{ customer.name }}</p><div>{{ "<i>ok</i>" | raw }}</div>',
  ),
  'a subject that would break lines': email('x', '{{ customer.name }}\r\nBcc: x@example.com'),
  'the documented variables, locals and filters': email(
    [
      '<p>{{ customer.first_name | upcase }} of {{ organization.name }}</p>',
      '{% for tag in customer.tags %}{{ tag }} {{ forloop.index }}{% endfor %}',
      '{% assign n = customer.tags.size %}{{ n }} {{ customer.tags.first }} {{ customer.name.size }}',
      '{% if invoice %}{{ invoice.total }} {{ invoice.items[0].name }}{% endif %}',
      '<a href="{{ urls.unsubscribe }}">x</a> {{ customer.phone | default: "no phone" }}',
    ].join('\n'),
    'Hello {{ customer.first_name }}',
  ),
  'an SMS with an invoice branch': sms(
    '{% if invoice %}Invoice {{ invoice.number }}: {{ invoice.amount_due }} {{ invoice.currency }}{% else %}No invoice{% endif %}',
  ),
  'an SMS reading a missing invoice': sms('Due:\n {{ invoice.total }}'),
  'an SMS that loops too long': sms('{% for i in (1..100000000) %}{{ i }}{% endfor %}'),
  'an SMS near a segment boundary': sms(`Hi {{ customer.first_name }} ${'a'.repeat(70)}`),
};

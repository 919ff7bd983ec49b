/**
 * The built-in invoice templates, one per channel: what `invoices.send` renders when the
 * call names no template of the organization's. Liquid over the documented variable set
 * (`templates/variables.ts`), rendered by the same renderer as campaign messages.
 */
import type { MessageTemplate } from '../providers/message-render.js';

const EMAIL = `<p>Hello {{ customer.first_name }},</p>
<p>Here is invoice {{ invoice.number }} from {{ organization.name }}.</p>
<table role="presentation" cellpadding="4">
{% for item in invoice.items %}<tr><td>{{ item.name }}</td><td>{{ item.quantity }} × {{ item.unit_price }}</td><td>{{ item.total }}</td></tr>
{% endfor %}</table>
<p><strong>Amount due: {{ invoice.amount_due }} {{ invoice.currency }}</strong>{% if invoice.due_date %}, due by {{ invoice.due_date }}{% endif %}.</p>
{% if invoice.payment_url %}<p><a href="{{ invoice.payment_url }}">Pay online</a></p>{% endif %}
<p>Thank you,<br>{{ organization.name }}</p>`;

const SMS = `{{ organization.name }}: invoice {{ invoice.number }}, {{ invoice.amount_due }} {{ invoice.currency }} due{% if invoice.due_date %} by {{ invoice.due_date }}{% endif %}.{% if invoice.payment_url %} Pay: {{ invoice.payment_url }}{% endif %}`;

/**
 * The built-in templates. Their ids are not uuids of any `templates` row (a message sent
 * with one records `template_id` NULL); the renderer keys its cache by id and content.
 */
export const BUILT_IN_INVOICE_TEMPLATES: Readonly<Record<'email' | 'sms', MessageTemplate>> = {
  email: {
    id: 'built-in:invoice:email',
    channel: 'email',
    subject: 'Invoice {{ invoice.number }} from {{ organization.name }}',
    content: EMAIL,
    metadata: {},
  },
  sms: {
    id: 'built-in:invoice:sms',
    channel: 'sms',
    subject: null,
    content: SMS,
    metadata: {},
  },
};

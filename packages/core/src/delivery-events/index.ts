/**
 * Delivery events: what providers report about the messages we sent (delivered, opened,
 * clicked, bounced, reported as spam, unsubscribed) → `message_events`, `messages.status` and
 * the customer's consent. Handles the `message.event` webhook effect of every source.
 */
import { defineModule } from '../module.js';
import { applyMessageEvents } from './apply.js';

export const deliveryEventsModule = defineModule({
  name: 'delivery-events',
  webhookHandlers: {
    'message.event': async (tx, effects, context) => {
      await applyMessageEvents(tx, effects, context);
      return undefined;
    },
  },
});

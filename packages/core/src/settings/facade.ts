/**
 * The settings module's part of `gt.as(actor)`: the organization's sending settings (time
 * zone, frequency caps).
 */
import type { FacadeContext } from '../module.js';
import { configuredProviders } from '../providers/messaging.js';
import type { SendingSettingsUpdate } from './schema.js';
import { getSendingSettings, type SendingSettings, setSendingSettings } from './service.js';

export const settingsPermissions = {
  /** Reading the organization's sending settings. */
  'settings.read': 'staff',
  /** Changing them (who is messaged how often, and when). */
  'settings.write': 'admin',
} as const;
type SettingsAction = keyof typeof settingsPermissions;

export interface SettingsFacade {
  settings: {
    sending: {
      /** The time zone and frequency caps (staff+); defaults when never set. */
      get(): Promise<SendingSettings>;
      /**
       * Changes the fields given (admin+); audited. `providers` orders the host's providers
       * of a channel for this organization's campaign sends (ids from `createGreenTrack`'s
       * `providers`; `null` = the host's order).
       * @example await org.settings.sending.set({ frequencyCap: { sms: { messages: 4, days: 30 } } })
       * @example await org.settings.sending.set({ providers: { email: ['postmark', 'sendgrid'] } })
       */
      set(input: SendingSettingsUpdate): Promise<SendingSettings>;
    };
  };
}

export function settingsFacade({ on, deps }: FacadeContext<SettingsAction>): SettingsFacade {
  // Read when a change is made, not when the facade is built (once per request).
  const ids = (channel: 'email' | 'sms') =>
    configuredProviders(deps.providers, channel).map((p) => p.id);
  const configured = () => ({ email: ids('email'), sms: ids('sms') });
  return {
    settings: {
      sending: {
        get: on('settings.read', getSendingSettings),
        set: on('settings.write', (scope, input: SendingSettingsUpdate) =>
          setSendingSettings(scope, input, configured()),
        ),
      },
    },
  };
}

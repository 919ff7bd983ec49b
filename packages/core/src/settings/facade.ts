/**
 * The settings module's part of `gt.as(actor)`: the organization's sending settings (time
 * zone, frequency caps).
 */
import type { FacadeContext } from '../module.js';
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
       * Changes the fields given (admin+); audited.
       * @example await org.settings.sending.set({ frequencyCap: { sms: { messages: 4, days: 30 } } })
       */
      set(input: SendingSettingsUpdate): Promise<SendingSettings>;
    };
  };
}

export function settingsFacade({ on }: FacadeContext<SettingsAction>): SettingsFacade {
  return {
    settings: {
      sending: {
        get: on('settings.read', getSendingSettings),
        set: on('settings.write', setSendingSettings),
      },
    },
  };
}

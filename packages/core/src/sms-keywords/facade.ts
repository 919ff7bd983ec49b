/**
 * The sms-keywords module's part of `gt.as(actor)`: the organization's HELP answer, under
 * `org.settings.smsKeywords` beside the sending settings.
 */
import type { FacadeContext } from '../module.js';
import type { SmsKeywordSettingsUpdate } from './schema.js';
import {
  getSmsKeywordSettings,
  type SmsKeywordSettings,
  setSmsKeywordSettings,
} from './settings.js';

export const smsKeywordPermissions = {
  /** Reading the organization's answer to an inbound HELP. */
  'sms_keywords.read': 'staff',
  /** Changing it (what every texter who asks for help is told). */
  'sms_keywords.write': 'admin',
} as const;
type SmsKeywordAction = keyof typeof smsKeywordPermissions;

export interface SmsKeywordsFacade {
  settings: {
    smsKeywords: {
      /** The HELP answer (staff+): the organization's own, or the default naming it. */
      get(): Promise<SmsKeywordSettings>;
      /**
       * Sets the HELP answer, or `null` for the default again (admin+); audited.
       * @example await org.settings.smsKeywords.set({ helpReply: 'Green Shop: shop.example/help. Reply STOP to opt out.' })
       */
      set(input: SmsKeywordSettingsUpdate): Promise<SmsKeywordSettings>;
    };
  };
}

export function smsKeywordsFacade({ on }: FacadeContext<SmsKeywordAction>): SmsKeywordsFacade {
  return {
    settings: {
      smsKeywords: {
        get: on('sms_keywords.read', getSmsKeywordSettings),
        set: on('sms_keywords.write', setSmsKeywordSettings),
      },
    },
  };
}

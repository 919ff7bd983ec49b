/**
 * SMS keywords: what an inbound text asks of us. STOP/STOPALL/UNSUBSCRIBE/CANCEL/END/QUIT/
 * REVOKE/OPTOUT unsubscribe the sender from SMS, START/YES/UNSTOP subscribe them again, HELP
 * is answered with the organization's HELP text (`org.settings.smsKeywords`). Inbound texts
 * reach it as `sms.inbound` webhook effects (Twilio: `@greentrack/adapters/twilio`).
 */
import { defineModule } from '../module.js';
import { smsKeywordPermissions, smsKeywordsFacade } from './facade.js';
import { applyInboundSms } from './inbound.js';
import { registerSmsKeywordRoutes } from './routes.js';

export const smsKeywordsModule = defineModule({
  name: 'sms-keywords',
  permissions: smsKeywordPermissions,
  routes: registerSmsKeywordRoutes,
  facade: smsKeywordsFacade,
  webhookHandlers: { 'sms.inbound': applyInboundSms },
});

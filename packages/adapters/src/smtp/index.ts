/**
 * `@greentrack/adapters/smtp`: an `EmailProvider` over SMTP through `nodemailer` (an
 * optional peer dependency): a business's own mail server or any SMTP relay.
 *
 * @example
 * import { smtpEmail } from '@greentrack/adapters/smtp';
 * const email = smtpEmail({ host: 'smtp.example.com', auth: { user, pass } });
 *
 * @packageDocumentation
 */
export { SmtpErrorCode } from './error-codes.js';
export {
  MESSAGE_ID_HEADER,
  type SmtpEmailOptions,
  type SmtpEmailProvider,
  type SmtpServerOptions,
  type SmtpTransportOptions,
  smtpEmail,
} from './provider.js';

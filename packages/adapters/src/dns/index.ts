/**
 * `@greentrack/adapters/dns`: sender setup help. `checkSendingDomain` reports a sending
 * domain's SPF, DKIM and DMARC against Gmail's and Yahoo's 2024 bulk-sender rules. Uses
 * only `node:dns`; no provider SDK.
 * @packageDocumentation
 */
export { checkSendingDomain, type SendingDomainOptions } from './check.js';
export { SendingDomainErrorCode } from './error-codes.js';
export type { DnsResolver } from './lookup.js';
export type {
  CheckStatus,
  DkimCheck,
  DkimSelectorCheck,
  DmarcCheck,
  DomainCheck,
  SendingDomainReport,
  SpfCheck,
} from './report.js';

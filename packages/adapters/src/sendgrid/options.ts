import { MailService } from '@sendgrid/mail';

/** Options of {@link sendgrid}: a configured SDK client, or what to build one from. */
export interface SendGridOptions {
  /**
   * A configured `@sendgrid/mail` service (its default export after `setApiKey`, or a
   * `new MailService()`), used as it is. Omit it to let the adapter build one from `apiKey`,
   * `baseUrl` and `timeoutMs`.
   */
  client?: MailService;
  /** API key (`SG.…`) with the Mail Send scope. Required unless `client` is given. */
  apiKey?: string;
  /**
   * API origin. Use `https://api.eu.sendgrid.com` for EU data residency, or a local server
   * in tests. Only used when the adapter builds the client.
   * @default 'https://api.sendgrid.com'
   */
  baseUrl?: string;
  /**
   * Longest one request may take; after it the message's outcome is unknown. Only used
   * when the adapter builds the client (else `client.setTimeout`).
   * @default 30000
   */
  timeoutMs?: number;
  /**
   * SendGrid validates each request and sends nothing (`mail_settings.sandbox_mode`).
   * @default false
   */
  sandboxMode?: boolean;
  /**
   * Requests in flight at once within one batch (one request per message, decision 111).
   * @default 16
   */
  concurrency?: number;
  /**
   * Messages per `send` call (`capabilities.maxBatch`). Each is its own request, so this
   * only bounds how much one call holds.
   * @default 100
   */
  maxBatch?: number;
  /**
   * The dispatcher's send rate (`capabilities.ratePerSecond`), messages per second. Set it
   * to what your SendGrid plan allows.
   * @default 100
   */
  ratePerSecond?: number;
  /**
   * Name recorded in `messages.provider`.
   * @default 'sendgrid'
   */
  id?: string;
}

/** The SDK's HTTP client, reached to point it at another origin (it has no typed setter). */
interface SendGridHttpClient {
  setDefaultRequest(key: 'baseUrl', value: string): unknown;
}

/** The caller's client, or one built from `apiKey`/`baseUrl`/`timeoutMs`. */
export function sendgridService(options: SendGridOptions): MailService {
  if (options.client !== undefined) return options.client;
  if (options.apiKey === undefined || options.apiKey.trim() === '') {
    throw new TypeError('sendgrid(): pass a configured `client` or an `apiKey`.');
  }
  const service = new MailService();
  // setApiKey resets the base URL to the global region: set the origin after it.
  service.setApiKey(options.apiKey);
  const http = (service as unknown as { client?: Partial<SendGridHttpClient> }).client;
  if (options.baseUrl !== undefined) {
    if (typeof http?.setDefaultRequest !== 'function') {
      throw new TypeError(
        'sendgrid(): this @sendgrid/mail version has no client to set baseUrl on.',
      );
    }
    http.setDefaultRequest('baseUrl', options.baseUrl);
  }
  service.setTimeout(options.timeoutMs ?? 30_000);
  return service;
}

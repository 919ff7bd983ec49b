/**
 * `checkSendingDomain`: reads a sending domain's SPF, DKIM and DMARC records and reports
 * each against Gmail's and Yahoo's February 2024 bulk-sender rules, in words a business
 * owner can act on. DNS only: nothing is sent, no provider SDK is needed.
 */
import { Resolver } from 'node:dns/promises';
import { domainToASCII } from 'node:url';
import { GreenTrackError } from '@greentrack/core';
import { checkAlignment } from './alignment.js';
import { checkDkim } from './dkim.js';
import { checkDmarc } from './dmarc.js';
import { SendingDomainErrorCode } from './error-codes.js';
import type { DnsResolver } from './lookup.js';
import { type SendingDomainReport, worst } from './report.js';
import { checkSpf } from './spf.js';

/** Options of `checkSendingDomain`. */
export interface SendingDomainOptions {
  /**
   * DKIM selectors to look up (`<selector>._domainkey.<domain>`); DNS cannot list them.
   * @default [] (DKIM is reported as not checked)
   * @example ['s1', 's2'] // SendGrid
   */
  dkimSelectors?: readonly string[];
  /**
   * `include:` domains the SPF record must have (your provider's).
   * @default []
   * @example ['sendgrid.net']
   */
  spfIncludes?: readonly string[];
  /** The return-path (envelope-from, bounce) domain your provider uses, to check SPF alignment. */
  returnPathDomain?: string;
  /**
   * What answers the lookups.
   * @default a `node:dns` Resolver with a 5 s timeout and 2 tries
   */
  resolver?: DnsResolver;
}

/** Labels of letters, digits and inner hyphens (LDH), at least two of them. */
const HOSTNAME = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$/;
/** DKIM selectors may hold dots and underscores (`2024._s1`). */
const SELECTOR = /^[a-z0-9_](?:[a-z0-9_.-]{0,61}[a-z0-9_])?$/i;

/** `input` lowercased, in ASCII (an IDN becomes punycode), without a trailing dot. */
function normalizeDomain(input: string): string {
  const ascii = domainToASCII(input.trim().replace(/\.$/, ''));
  if (!HOSTNAME.test(ascii))
    throw new GreenTrackError({
      code: SendingDomainErrorCode.DNS_DOMAIN_INVALID,
      message: `Not a domain name: ${JSON.stringify(input)}`,
      details: { domain: input },
    });
  return ascii;
}

/**
 * Checks `domain`'s email authentication records. Never throws for DNS trouble: a lookup
 * that fails makes that check `warn` with a "could not look up" summary.
 *
 * @throws `DNS_DOMAIN_INVALID`, `DNS_SELECTOR_INVALID` for bad input.
 * @example
 * const report = await checkSendingDomain('example.com', { dkimSelectors: ['s1', 's2'], spfIncludes: ['sendgrid.net'] });
 * if (report.status !== 'pass') for (const c of [report.spf, report.dkim, report.dmarc, report.alignment]) console.log(c.status, c.summary);
 */
export async function checkSendingDomain(
  domain: string,
  options: SendingDomainOptions = {},
): Promise<SendingDomainReport> {
  const name = normalizeDomain(domain);
  const selectors = (options.dkimSelectors ?? []).map((selector) => {
    if (!SELECTOR.test(selector))
      throw new GreenTrackError({
        code: SendingDomainErrorCode.DNS_SELECTOR_INVALID,
        message: `Not a DKIM selector: ${JSON.stringify(selector)}`,
        details: { selector },
      });
    return selector.toLowerCase();
  });
  const returnPath =
    options.returnPathDomain === undefined ? undefined : normalizeDomain(options.returnPathDomain);
  const resolver = options.resolver ?? new Resolver({ timeout: 5000, tries: 2 });

  const [spf, dkim, dmarc] = await Promise.all([
    checkSpf(resolver, name, options.spfIncludes ?? []),
    checkDkim(resolver, name, selectors),
    checkDmarc(resolver, name),
  ]);
  const alignment = checkAlignment(name, dkim, dmarc, returnPath);
  return {
    domain: name,
    status: worst([spf.status, dkim.status, dmarc.status, alignment.status]),
    spf,
    dkim,
    dmarc,
    alignment,
  };
}

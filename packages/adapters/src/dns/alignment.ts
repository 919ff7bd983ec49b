/**
 * DMARC alignment: the From domain must match the domain SPF checked (the return-path) or
 * the DKIM signature's `d=`. A key published under the From domain signs with `d=` that
 * domain, so a published DKIM key aligns; otherwise only the return-path can.
 */
import { organizationalDomain } from './dmarc.js';
import type { DkimCheck, DmarcCheck, DomainCheck } from './report.js';

export function checkAlignment(
  domain: string,
  dkim: DkimCheck,
  dmarc: DmarcCheck,
  returnPathDomain: string | undefined,
): DomainCheck {
  const notes: string[] = [];
  if (dmarc.alignment.dkim === 's' || dmarc.alignment.spf === 's')
    notes.push(
      'Strict alignment (adkim=s / aspf=s) requires exact domain matches, not just the same organizational domain.',
    );
  if (dkim.selectors.some((s) => s.status === 'pass'))
    return {
      status: 'pass',
      summary: `DKIM aligns: its key is published under ${domain}, so signatures carry d=${domain}`,
      notes: [
        ...notes,
        'Make sure your provider signs with this key (its "authenticated domain" setup), not its own domain.',
      ],
    };
  if (returnPathDomain === undefined)
    return {
      status: 'warn',
      summary:
        'Alignment not verified: no DKIM key found under the domain, and no return-path domain given',
      notes: [
        ...notes,
        'Pass returnPathDomain (the bounce / envelope-from domain your provider uses) to check SPF alignment.',
      ],
    };
  const aligned =
    dmarc.alignment.spf === 's'
      ? returnPathDomain === domain
      : organizationalDomain(returnPathDomain) === organizationalDomain(domain);
  return aligned
    ? {
        status: 'pass',
        summary: `SPF aligns: return-path ${returnPathDomain} is within ${organizationalDomain(domain)}`,
        notes,
      }
    : {
        status: 'fail',
        summary: `Neither aligns: no DKIM key under ${domain}, and return-path ${returnPathDomain} is another domain`,
        notes: [
          ...notes,
          "DMARC fails for this mail; set up your provider's domain authentication (DKIM) for this domain.",
        ],
      };
}

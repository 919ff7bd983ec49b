/** The typed report of `checkSendingDomain`: one entry per rule, each with human text. */

/** `pass`: meets the rule. `warn`: works, but worth fixing, or could not be verified. `fail`: does not meet it. */
export type CheckStatus = 'pass' | 'warn' | 'fail';

/** One check of the report. */
export interface DomainCheck {
  status: CheckStatus;
  /** One sentence a person can act on, e.g. "No DMARC record at _dmarc.example.com". */
  summary: string;
  /** Further advice, one sentence each (may be empty). */
  notes: string[];
}

/** SPF: the `v=spf1` TXT record of the domain. */
export interface SpfCheck extends DomainCheck {
  /** The record, or null when there is none (or more than one). */
  record: string | null;
  /** Domains of its `include:` mechanisms. */
  includes: string[];
  /** Its `all` mechanism with qualifier (`-all`, `~all`, `?all`, `+all`), or null. */
  all: string | null;
  /** DNS-querying terms at the top level (`include`, `a`, `mx`, `ptr`, `exists`, `redirect`); SPF allows 10 in all, nested ones included. */
  lookups: number;
}

/** One DKIM selector's key. */
export interface DkimSelectorCheck extends DomainCheck {
  selector: string;
  /** `<selector>._domainkey.<domain>` */
  name: string;
  /** Where the name points, when it is a CNAME (a provider-hosted key). */
  cname: string | null;
  /** RSA key length in bits, when the key parses. */
  keyBits: number | null;
}

/** DKIM: the keys of the given selectors. Passes when at least one key is published. */
export interface DkimCheck extends DomainCheck {
  selectors: DkimSelectorCheck[];
}

/** DMARC: the `v=DMARC1` TXT record at `_dmarc.<domain>` (or at the organizational domain). */
export interface DmarcCheck extends DomainCheck {
  record: string | null;
  /** The name the record was found at, or null. */
  foundAt: string | null;
  /** The policy that applies to this domain (`sp` when inherited from the parent). */
  policy: 'none' | 'quarantine' | 'reject' | null;
  /** Aggregate report addresses (`rua`). */
  reportTo: string[];
  /** `adkim` / `aspf`: `r` relaxed (the default) or `s` strict. */
  alignment: { dkim: 'r' | 's'; spf: 'r' | 's' };
}

/** The whole report. `status` is the worst of the four checks. */
export interface SendingDomainReport {
  /** The domain checked, lowercased, in ASCII (punycode). */
  domain: string;
  status: CheckStatus;
  spf: SpfCheck;
  dkim: DkimCheck;
  dmarc: DmarcCheck;
  /** The From domain must align with the SPF (return-path) or DKIM (`d=`) domain. */
  alignment: DomainCheck;
}

const rank: Record<CheckStatus, number> = { pass: 0, warn: 1, fail: 2 };

/** The worst of `statuses` (`pass` for none). */
export function worst(statuses: readonly CheckStatus[]): CheckStatus {
  return statuses.reduce<CheckStatus>((a, b) => (rank[b] > rank[a] ? b : a), 'pass');
}

/**
 * DNS lookups for the domain check. "No such name" and "no record of that type" are an
 * answer (no records); any other failure (timeout, SERVFAIL, refused) is kept as an error so
 * the report can say it could not verify, rather than that the record is missing.
 */

/**
 * The two lookups the check needs; `node:dns/promises`' `Resolver` (and the module itself)
 * fits, and a test passes a stub.
 */
export interface DnsResolver {
  /** TXT records of `name`, each as its character-strings (joined by the check). */
  resolveTxt(name: string): Promise<string[][]>;
  /** CNAME targets of `name`. */
  resolveCname(name: string): Promise<string[]>;
}

/**
 * Records found (possibly none; `nxdomain` when the name itself does not exist), or the
 * error code of a lookup that failed.
 */
export type Lookup<T> = { records: T[]; nxdomain: boolean } | { error: string };

/** Node's codes for "the name does not exist" and "no record of that type". */
const NO_NAME = new Set(['ENOTFOUND', 'NXDOMAIN']);
const NO_DATA = new Set(['ENODATA']);

async function lookup<T>(run: () => Promise<T[]>): Promise<Lookup<T>> {
  try {
    return { records: await run(), nxdomain: false };
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && NO_NAME.has(code)) return { records: [], nxdomain: true };
    if (typeof code === 'string' && NO_DATA.has(code)) return { records: [], nxdomain: false };
    return { error: typeof code === 'string' ? code : 'ELOOKUP' };
  }
}

/** TXT records of `name`, each record's strings joined (RFC 7208 §3.3). */
export const lookupTxt = (resolver: DnsResolver, name: string): Promise<Lookup<string>> =>
  lookup(async () => (await resolver.resolveTxt(name)).map((parts) => parts.join('')));

/** CNAME targets of `name`, lowercased, without a trailing dot. */
export const lookupCname = (resolver: DnsResolver, name: string): Promise<Lookup<string>> =>
  lookup(async () =>
    (await resolver.resolveCname(name)).map((t) => t.toLowerCase().replace(/\.$/, '')),
  );

/** The `summary` of a check whose lookup failed. */
export const couldNotLookUp = (name: string, error: string) =>
  `Could not look up ${name} (${error}); try again, or check that the domain's name servers answer`;

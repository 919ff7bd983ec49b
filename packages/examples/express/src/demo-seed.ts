/**
 * The demo page's data: ~2,000 realistic customers and leads in the demo organization,
 * generated from a seeded PRNG (the same rows on every machine), imported once through the
 * facade's bulk path (`org.customers.import` of a CSV string, batches of 1,000), with
 * consent recorded for some of them.
 *
 * "Once": every generated row carries the `demo-seed` tag, and a run that finds that many
 * tagged customers skips the import. An interrupted first run (Ctrl-C mid-import) is
 * finished by the next one: the import is an upsert by email.
 */
import type { TenantFacade } from '@greentrack/core';

/** How many customers and leads the demo organization gets. */
const DEMO_SEED_SIZE = 2000;
/** Tag on every generated row; its count tells whether the organization is seeded. */
const DEMO_SEED_TAG = 'demo-seed';
/** Every n-th generated customer gets an explicit consent record (subscribed or not). */
const CONSENT_EVERY = 25;

/** mulberry32: a tiny, fast, seedable PRNG; good enough for demo data, never for secrets. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

interface Country {
  code: string;
  weight: number;
  cities: readonly string[];
  firstNames: readonly string[];
  lastNames: readonly string[];
  /**
   * National phone formats valid for the country: the last four `#` become the row number
   * (so no two rows share a phone: the import matches existing customers by phone too), any
   * other `#` a random digit.
   */
  phone: readonly string[];
}

const countries: readonly Country[] = [
  {
    code: 'US',
    weight: 30,
    cities: ['New York', 'San Francisco', 'Chicago', 'Austin', 'Seattle', 'Boston', 'Denver'],
    firstNames: ['James', 'Mary', 'Robert', 'Linda', 'Michael', 'Emily', 'David', 'Ashley'],
    lastNames: ['Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Miller', 'Davis', 'Garcia'],
    phone: ['(415) 555-####', '(212) 555-####', '(312) 555-####', '(512) 555-####'],
  },
  {
    code: 'CA',
    weight: 6,
    cities: ['Toronto', 'Montréal', 'Vancouver', 'Calgary'],
    firstNames: ['Liam', 'Olivia', 'Noah', 'Charlotte', 'Étienne', 'Chloé'],
    lastNames: ['Tremblay', 'Roy', 'Gagnon', 'Wilson', 'MacDonald', 'Campbell'],
    phone: ['(416) 555-####', '(604) 555-####'],
  },
  {
    code: 'DE',
    weight: 14,
    cities: ['Berlin', 'Hamburg', 'München', 'Köln', 'Frankfurt am Main', 'Leipzig'],
    firstNames: ['Lukas', 'Anna', 'Jonas', 'Lea', 'Felix', 'Sophie', 'Jürgen', 'Marie'],
    lastNames: ['Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Wagner', 'Becker'],
    phone: ['030 1234####', '0151 2345####', '0170 123####'],
  },
  {
    code: 'FR',
    weight: 12,
    cities: ['Paris', 'Lyon', 'Marseille', 'Toulouse', 'Bordeaux', 'Nantes'],
    firstNames: ['Camille', 'Louis', 'Léa', 'Hugo', 'Manon', 'Jules', 'Inès', 'Théo'],
    lastNames: ['Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Richard', 'Petit'],
    phone: ['06 12 ## ## ##', '07 81 ## ## ##'],
  },
  {
    code: 'ES',
    weight: 8,
    cities: ['Madrid', 'Barcelona', 'Valencia', 'Sevilla', 'Bilbao'],
    firstNames: ['Lucía', 'Hugo', 'Martina', 'Mateo', 'Sofía', 'Pablo'],
    lastNames: ['García', 'Fernández', 'González', 'Rodríguez', 'López', 'Martínez'],
    phone: ['612 ### ###', '655 ### ###'],
  },
  {
    code: 'IT',
    weight: 8,
    cities: ['Roma', 'Milano', 'Napoli', 'Torino', 'Bologna'],
    firstNames: ['Giulia', 'Francesco', 'Sofia', 'Alessandro', 'Aurora', 'Lorenzo'],
    lastNames: ['Rossi', 'Russo', 'Ferrari', 'Esposito', 'Bianchi', 'Romano'],
    phone: ['312 345 ####', '347 ### ####'],
  },
  {
    code: 'NL',
    weight: 6,
    cities: ['Amsterdam', 'Rotterdam', 'Utrecht', 'Den Haag'],
    firstNames: ['Daan', 'Emma', 'Sem', 'Julia', 'Lucas', 'Tess'],
    lastNames: ['de Jong', 'Jansen', 'de Vries', 'van den Berg', 'Bakker', 'Visser'],
    phone: ['06 12######'],
  },
  {
    code: 'AU',
    weight: 6,
    cities: ['Sydney', 'Melbourne', 'Brisbane', 'Perth'],
    firstNames: ['Jack', 'Isla', 'Oliver', 'Mia', 'William', 'Ava'],
    lastNames: ['Smith', 'Jones', 'Williams', 'Brown', 'Wilson', 'Taylor'],
    phone: ['0412 ### ###', '0491 ### ###'],
  },
  {
    code: 'BR',
    weight: 5,
    cities: ['São Paulo', 'Rio de Janeiro', 'Belo Horizonte', 'Curitiba'],
    firstNames: ['Miguel', 'Helena', 'Arthur', 'Alice', 'Davi', 'Laura'],
    lastNames: ['Silva', 'Santos', 'Oliveira', 'Souza', 'Pereira', 'Costa'],
    phone: ['(11) 91234-####', '(21) 98765-####'],
  },
  {
    code: 'JP',
    weight: 5,
    cities: ['Tokyo', 'Osaka', 'Yokohama', 'Kyoto'],
    firstNames: ['Haruto', 'Yui', 'Sota', 'Hina', 'Ren', 'Aoi'],
    lastNames: ['Sato', 'Suzuki', 'Takahashi', 'Tanaka', 'Watanabe', 'Ito'],
    phone: ['090-1234-####', '080-5678-####'],
  },
];

const tagPool = ['vip', 'wholesale', 'newsletter', 'catering', 'loyalty', 'events', 'b2b'];
const domains = ['example.com', 'example.org', 'example.net', 'mail.example'];

/** Email local parts are ASCII: strip accents and anything else. */
function asciiSlug(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z]+/g, '');
}

/**
 * The demo customers as CSV (`Type,Name,E-mail,Phone,City,Country,Tags`), the same rows for
 * the same `count` and `seed`. Emails are unique (`…+<row>@…`), so every row creates one
 * customer; about a third are leads, a few have no phone.
 */
function demoCustomersCsv(count = DEMO_SEED_SIZE, seed = 15): string {
  const random = mulberry32(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const totalWeight = countries.reduce((sum, c) => sum + c.weight, 0);
  const pickCountry = (): Country => {
    let roll = random() * totalWeight;
    for (const country of countries) {
      roll -= country.weight;
      if (roll < 0) return country;
    }
    return countries[0] as Country;
  };

  const lines = ['Type,Name,E-mail,Phone,City,Country,Tags'];
  for (let row = 1; row <= count; row++) {
    const country = pickCountry();
    const first = pick(country.firstNames);
    const last = pick(country.lastNames);
    const type = random() < 0.35 ? 'lead' : 'customer';
    const email = `${asciiSlug(first)}.${asciiSlug(last)}+${row}@${pick(domains)}`;
    const rowDigits = String(row).padStart(4, '0').split('');
    const pattern = pick(country.phone);
    let hashes = pattern.split('#').length - 1;
    const phone =
      random() < 0.15
        ? ''
        : pattern.replace(/#/g, () =>
            hashes-- > 4 ? String(Math.floor(random() * 10)) : (rowDigits[3 - hashes] ?? '0'),
          );
    const tags = [DEMO_SEED_TAG, ...tagPool.filter(() => random() < 0.12)];
    lines.push(
      [type, `${first} ${last}`, email, phone, pick(country.cities), country.code, tags.join('; ')]
        .map((cell) => (/[",]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell))
        .join(','),
    );
  }
  return lines.join('\n');
}

/** What `seedDemoCustomers` did. */
export interface DemoSeedResult {
  /** False when the organization already held the seeded rows (nothing was written). */
  seeded: boolean;
  /** Customers tagged `demo-seed` afterwards. */
  total: number;
  created: number;
  failed: number;
  /** Explicit consent records written. */
  consents: number;
  /** Wall time of the whole call. */
  ms: number;
}

/**
 * Seeds the demo organization once: skips when `count` rows tagged `demo-seed` exist, else
 * imports the generated CSV and records consent (subscribed to email, or unsubscribed from
 * SMS) for every 25th generated customer.
 */
export async function seedDemoCustomers(
  org: TenantFacade,
  count = DEMO_SEED_SIZE,
): Promise<DemoSeedResult> {
  const started = performance.now();
  const tagged = async () =>
    (await org.customers.list({ tags: [DEMO_SEED_TAG], include_total: true, limit: 1 })).total ?? 0;
  const before = await tagged();
  if (before >= count)
    return {
      seeded: false,
      total: before,
      created: 0,
      failed: 0,
      consents: 0,
      ms: performance.now() - started,
    };

  const imported = await org.customers.import(demoCustomersCsv(count));
  let consents = 0;
  let cursor: string | undefined;
  let index = 0;
  do {
    const page = await org.customers.list({
      tags: [DEMO_SEED_TAG],
      limit: 200,
      ...(cursor ? { cursor } : {}),
    });
    for (const customer of page.items) {
      if (index++ % CONSENT_EVERY !== 0) continue;
      if (index % 2 === 0)
        await org.consent.set(customer.id, 'sms', 'unsubscribed', { source: 'demo-seed' });
      else await org.consent.set(customer.id, 'email', 'subscribed', { source: 'demo-seed' });
      consents++;
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor);

  return {
    seeded: true,
    total: await tagged(),
    created: imported.created,
    failed: imported.failed,
    consents,
    ms: performance.now() - started,
  };
}

/**
 * The imports module's part of `gt.as(actor)`: `customers.import`.
 */
import type { FacadeContext } from '../module.js';
import type { ImportOptions, ImportResult } from './schema.js';
import { type ImportSource, importCustomers } from './service.js';

/** Bulk CSV import creates and overwrites many customers at once, so not staff. */
export const importPermissions = { 'customer.import': 'admin' } as const;
type ImportAction = keyof typeof importPermissions;

export interface ImportsFacade {
  customers: {
    /**
     * Streams a CSV in (admin+): upsert by email, then phone; batches of 10,000 rows (`batchSize`), each
     * committed with one audit row; bad rows come back in `errors` with their row number
     * and field; re-importing the same file changes nothing.
     * @example await org.customers.import(fs.createReadStream('customers.csv'), { tags: ['fair'] })
     * @throws `IMPORT_MALFORMED_CSV` (with the committed counts), `IMPORT_MAPPING_INVALID`
     */
    import(source: ImportSource, options?: ImportOptions): Promise<ImportResult>;
  };
}

export function importsFacade({ on }: FacadeContext<ImportAction>): ImportsFacade {
  return {
    customers: {
      import: on('customer.import', (scope, source: ImportSource, options?: ImportOptions) =>
        importCustomers(scope, source, options),
      ),
    },
  };
}

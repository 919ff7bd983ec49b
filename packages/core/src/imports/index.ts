/**
 * CSV import of customers: streamed, batched, idempotent.
 */
import { defineModule } from '../module.js';
import type { ImportErrorCode as Code } from './error-codes.js';
import { importPermissions, importsFacade } from './facade.js';
import { registerImportRoutes } from './routes.js';

export { ImportErrorCode } from './error-codes.js';

export type {
  CustomerField,
  ImportOptions,
  ImportProgress,
  ImportResult,
  ImportRowError,
} from './schema.js';

export type { ImportSource } from './service.js';

export const importsModule = defineModule({
  name: 'imports',
  permissions: importPermissions,
  errorStatus: {
    IMPORT_MALFORMED_CSV: 400,
    IMPORT_MAPPING_INVALID: 400,
    IMPORT_UNSUPPORTED_MEDIA_TYPE: 415,
    IMPORT_FILE_MISSING: 400,
  } satisfies Record<Code, number>,
  routes: registerImportRoutes,
  facade: importsFacade,
});

/**
 * The composition root is complete: every module folder is listed once, every error code
 * any module declares has an HTTP status, and no RBAC action or facade method is declared
 * twice. Derived from the files, so a new module cannot skip a table unnoticed.
 */
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { errorStatus } from './error-status.js';
import type { ModuleDescriptor } from './module.js';
import { modules, permissions } from './modules.js';
import { createTenantFacade } from './tenant.js';

const srcDir = dirname(fileURLToPath(import.meta.url));

/** `{folder}/{file}` for every folder of src that has `file`, imported. */
async function importEach(file: string): Promise<Record<string, Record<string, unknown>>> {
  const found: Record<string, Record<string, unknown>> = {};
  for (const entry of readdirSync(srcDir, { withFileTypes: true })) {
    const path = join(srcDir, entry.name, file);
    if (entry.isDirectory() && existsSync(path)) found[entry.name] = await import(path);
  }
  return found;
}

const isDescriptor = (value: unknown): value is ModuleDescriptor =>
  typeof value === 'object' && value !== null && 'name' in value;

describe('composition root', () => {
  it('lists every folder that exports a module descriptor, once', async () => {
    const declared: string[] = [];
    for (const [folder, exports] of Object.entries(await importEach('index.ts'))) {
      for (const [name, value] of Object.entries(exports)) {
        if (name.endsWith('Module') && isDescriptor(value)) declared.push(folder);
      }
    }
    const listed = modules.map((m) => m.name);
    expect(new Set(listed).size).toBe(listed.length);
    expect([...listed].sort()).toEqual([...declared].sort());
  });

  it('gives every declared error code an HTTP status', async () => {
    const codes = Object.entries(await importEach('error-codes.ts')).flatMap(([file, exports]) =>
      Object.values(exports).flatMap((table) =>
        typeof table === 'object' && table !== null
          ? Object.values(table).map((code) => ({ file, code: String(code) }))
          : [],
      ),
    );
    expect(codes.length).toBeGreaterThan(20);
    const missing = codes.filter(({ code }) => !(code in errorStatus));
    expect(missing).toEqual([]);
  });

  it('declares each RBAC action in one module only', () => {
    const seen = new Map<string, string>();
    for (const module of modules as readonly ModuleDescriptor[]) {
      for (const action of Object.keys(module.permissions ?? {})) {
        expect(seen.get(action), `${action} in ${module.name}`).toBeUndefined();
        seen.set(action, module.name);
      }
    }
    expect(Object.keys(permissions).sort()).toEqual([...seen.keys()].sort());
  });

  it('builds the facade: every bound action exists, no method is defined twice', () => {
    const deps = {} as Parameters<typeof createTenantFacade>[0];
    const facade = createTenantFacade(deps, { userId: 'u', organizationId: 'o' });
    expect(Object.keys(facade).sort()).toEqual(
      [
        'actor',
        'auditLog',
        'campaigns',
        'consent',
        'customers',
        'events',
        'integrations',
        'invoices',
        'kpis',
        'me',
        'memberships',
        'organization',
        'payments',
        'role',
        'segments',
        'settings',
        'tags',
        'templates',
        'webhooks',
      ].sort(),
    );
    expect(Object.keys(facade.customers).sort()).toEqual(
      ['create', 'erase', 'export', 'get', 'import', 'list', 'remove', 'timeline', 'update'].sort(),
    );
  });

  it('names each module after its folder', () => {
    for (const module of modules) {
      expect(existsSync(join(srcDir, module.name, 'index.ts')), module.name).toBe(true);
    }
  });
});

/**
 * Planner settings a tenant transaction starts with, sent in its preamble (see `access.ts`)
 * and, like the role and the organization, transaction-local: they never outlive the unit
 * of work, so a pooled connection (or a transaction-mode pooler) carries nothing over.
 *
 * `jit = off`. Postgres compiles a statement with LLVM once its estimated cost passes
 * `jit_above_cost` (100,000 by default), and optimizes and inlines it past 500,000. A rule
 * segment's correlated sub-selects put its count or snapshot far beyond those costs (~18M
 * for the 1M-customer benchmark rule) although it runs in 2–3 s, and each row-level
 * security policy adds expressions to compile. Measured with EXPLAIN on that rule
 * (decision 121): compiling took 0.35–1.6 s of backend time per statement, and no statement
 * ran faster with it (the backend's CPU time dropped 12–35 % without JIT, with and without
 * policies). Tenant work is short statements and these segment queries; JIT is a loss
 * for both.
 *
 * Not applied to the system path, whose cross-organization work (refreshing the dashboards'
 * materialized views) is the kind of long aggregate JIT is made for, nor with
 * `rowLevelSecurity: false`, where the library runs as the login exactly as configured
 * (a host can `ALTER ROLE … SET jit = off` there).
 */

/** `set_config` calls for the select list of the tenant preamble (no leading `SELECT`). */
export const TENANT_PLANNER_SETTINGS = `set_config('jit', 'off', true)`;

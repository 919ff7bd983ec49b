/** Options fixed when the migrations first run against a database. */
export interface MigrationContext {
  /**
   * Dimension of every `vector(N)` column (`customers.embedding`, `templates.embedding`,
   * `segments.vector_query`). Read back from the catalog afterwards, so changing it later
   * has no effect on an existing database.
   * @default 1536
   */
  embeddingDimensions: number;
  /**
   * Whether migrations create the roles and row-level-security policies
   * (`db/row-level-security.ts`). A database migrated without them stays without them.
   * @default true
   */
  rowLevelSecurity: boolean;
}

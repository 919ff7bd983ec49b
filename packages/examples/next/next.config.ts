import type { NextConfig } from 'next';

const nextConfig: NextConfig = {
  // Loaded from node_modules at run time, never bundled: PGlite ships WASM and data files
  // next to its JavaScript, and pg / pgvector are Node-only.
  serverExternalPackages: [
    '@electric-sql/pglite',
    '@electric-sql/pglite-pgvector',
    'pg',
    'pgvector',
  ],
};

export default nextConfig;

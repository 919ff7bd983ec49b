import { defineConfig } from 'tsup';

// One entry per public subpath. Each key becomes `dist/<key>.js` + `.d.ts`, and must match the
// `exports` map in package.json; add `sendgrid/index`, `stripe/index`, ... here as they land.
export default defineConfig({
  entry: {
    'standard-webhooks/index': 'src/standard-webhooks/index.ts',
    'sendgrid/index': 'src/sendgrid/index.ts',
    'postmark/index': 'src/postmark/index.ts',
    'openai/index': 'src/openai/index.ts',
    'dns/index': 'src/dns/index.ts',
    'smtp/index': 'src/smtp/index.ts',
    'twilio/index': 'src/twilio/index.ts',
    'zeroinvoice/index': 'src/zeroinvoice/index.ts',
    'stripe/index': 'src/stripe/index.ts',
    'google-analytics/index': 'src/google-analytics/index.ts',
  },
  format: ['esm'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
  platform: 'node',
  // Nothing to bundle: the only import is `node:crypto`. Splitting keeps shared helpers in one
  // chunk once several provider entries exist, instead of copying them into each entry.
  splitting: true,
  treeshake: true,
});

/**
 * custom-elements.json, as `pnpm build` generates it (`cem analyze` with the package's
 * config, here into a scratch directory), lists every element with its public API, and
 * package.json ships it.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pkg from '../package.json' with { type: 'json' };

interface Named {
  name: string;
}
interface Declaration {
  name: string;
  tagName?: string;
  customElement?: boolean;
  attributes?: Named[];
  members?: Array<Named & { kind: string; privacy?: string }>;
  events?: Named[];
  slots?: Named[];
  cssParts?: Named[];
  cssProperties?: Named[];
}
interface Manifest {
  modules: Array<{ path: string; declarations?: Declaration[] }>;
}

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
let outdir: string;
let elements: Map<string, Declaration>;

beforeAll(() => {
  // cem joins `--outdir` to the working directory, so it must be relative.
  outdir = join(packageDir, `node_modules/.cache/cem-test-${process.pid}`);
  execFileSync(
    join(packageDir, 'node_modules/.bin/cem'),
    [
      'analyze',
      '--config',
      'custom-elements-manifest.config.mjs',
      '--outdir',
      relative(packageDir, outdir),
    ],
    { cwd: packageDir, stdio: 'pipe' },
  );
  const manifest = JSON.parse(
    readFileSync(join(outdir, 'custom-elements.json'), 'utf8'),
  ) as Manifest;
  elements = new Map(
    manifest.modules
      .flatMap((module) => module.declarations ?? [])
      .filter((d) => d.customElement && d.tagName)
      .map((d) => [d.tagName as string, d]),
  );
}, 60_000);

afterAll(() => rmSync(outdir, { recursive: true, force: true }));

const names = (items: Named[] | undefined) => (items ?? []).map((item) => item.name).sort();
const publicFields = (d: Declaration) =>
  (d.members ?? [])
    .filter((m) => m.kind === 'field' && !m.privacy)
    .map((m) => m.name)
    .sort();

describe('custom-elements.json', () => {
  it('has one element per component subpath of package.json', () => {
    const tags = Object.keys(pkg.exports)
      .filter((subpath) => subpath !== '.' && subpath !== './package.json')
      .map((subpath) => `gt-${subpath.slice(2)}`)
      .sort();
    expect([...elements.keys()].sort()).toEqual(tags);
  });

  it('describes <gt-segment-builder>: attributes, properties, events, parts, CSS properties', () => {
    const d = elements.get('gt-segment-builder') as Declaration;
    expect(names(d.attributes)).toEqual(
      [
        'api-base',
        'currency',
        'debounce-ms',
        'segment-id',
        'theme',
        'token',
        'token-refresh-timeout',
      ].sort(),
    );
    expect(publicFields(d)).toEqual(
      expect.arrayContaining([
        'apiBase',
        'token',
        'debounceMs',
        'segmentId',
        'currency',
        'messages',
        'rule',
        'theme',
      ]),
    );
    expect(names(d.events)).toEqual(['gt-error', 'gt-segment-saved', 'gt-token-expired']);
    expect(names(d.cssParts)).toEqual(
      expect.arrayContaining(['form', 'name-input', 'summary', 'error', 'save-button']),
    );
    expect(names(d.cssParts)).toHaveLength(28);
    expect(names(d.cssParts)).toEqual(
      expect.arrayContaining(['op-select', 'group', 'group-mode', 'chips', 'chip', 'suggestions']),
    );
    expect(names(d.cssProperties)).toEqual(
      expect.arrayContaining(['--gt-segment-builder-gap', '--gt-font-family', '--gt-color-focus']),
    );
  });

  it('describes <gt-consent-badge> and <gt-provider>', () => {
    const badge = elements.get('gt-consent-badge') as Declaration;
    expect(names(badge.attributes)).toEqual(['channel', 'status', 'theme']);
    expect(names(badge.cssParts)).toEqual(['badge']);
    expect(names(badge.cssProperties)).toContain('--gt-consent-badge-subscribed-color');

    const provider = elements.get('gt-provider') as Declaration;
    expect(names(provider.attributes)).toEqual(['api-base', 'token']);
    expect(publicFields(provider)).toEqual(['apiBase', 'messages', 'token']);
    expect(provider.slots).toHaveLength(1);
  });
});

describe('<gt-campaign-dashboard> in custom-elements.json', () => {
  it('describes its attributes, events, parts and CSS properties', () => {
    const d = elements.get('gt-campaign-dashboard') as Declaration;
    expect(names(d.attributes)).toEqual(
      expect.arrayContaining(['api-base', 'campaign', 'currency', 'from', 'model', 'theme', 'to']),
    );
    expect(names(d.events)).toEqual([
      'gt-campaign-select',
      'gt-dashboard-change',
      'gt-error',
      'gt-token-expired',
    ]);
    expect(names(d.cssParts)).toEqual(
      expect.arrayContaining(['campaign', 'kpis', 'chart', 'table', 'funnel', 'holdout', 'error']),
    );
    expect(names(d.cssProperties)).toEqual(
      expect.arrayContaining(['--gt-campaign-dashboard-padding', '--gt-color-focus']),
    );
  });
});

describe('package.json', () => {
  it('points tools at custom-elements.json and ships it', () => {
    expect(pkg.customElements).toBe('custom-elements.json');
    expect(pkg.files).toContain('custom-elements.json');
  });
});

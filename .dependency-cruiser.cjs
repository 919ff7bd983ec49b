/**
 * Architecture rules, checked by `pnpm lint` (dependency-cruiser). See docs/decisions.md
 * ("Module descriptors and one composition root") for why each rule exists.
 */
// Every folder of core/src is a domain module except the shared kits and the composition
// layers below, so a new module's folder is covered without editing this file.
const notModules = 'db|http|pagination|secrets|providers|client|engine';
const moduleFolder = `^packages/core/src/(?!(?:${notModules})/)([^/]+)/`;
const sharedKits =
  '^packages/core/src/(db|http|pagination|secrets|providers)/|^packages/core/src/(errors|validation|scope|clock|events|module|customer-data)\\.ts$';
// Tests and benchmarks may import anything.
const notTestOrBench = '\\.test\\.ts$|^packages/[^/]+/(test|bench)/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'No import cycle anywhere, type-only imports included.',
      from: { path: '^packages/' },
      to: { circular: true },
    },
    {
      name: 'core-stays-provider-free',
      severity: 'error',
      comment:
        'core never imports adapters, widgets, examples or a provider SDK: adapters depend on core, not the reverse.',
      from: { path: '^packages/core/' },
      to: {
        path: [
          '^packages/(adapters|widgets|examples)/',
          // Resolved into node_modules, or not installed in core at all (then the bare name).
          '(^|/node_modules/)(@sendgrid|twilio|stripe|postmark|openai|nodemailer|@greentrack/(adapters|widgets))(/|$)',
        ],
      },
    },
    {
      name: 'no-unresolvable',
      severity: 'error',
      comment:
        'Every import resolves: a dependency missing from package.json fails here. Workspace packages resolve to their build, which lint may run before.',
      from: { path: '^packages/' },
      to: { couldNotResolve: true, pathNot: '^@greentrack/' },
    },
    {
      name: 'widgets-use-only-the-client',
      severity: 'error',
      comment: 'Widgets run in browsers: from core they may import only @greentrack/core/client.',
      from: { path: '^packages/widgets/src/' },
      to: {
        path: '^packages/core/|(^|/)node_modules/@greentrack/core/',
        pathNot:
          '^packages/core/(dist|src)/client/|(^|/)node_modules/@greentrack/core/dist/client/',
      },
    },
    {
      name: 'modules-meet-at-their-index',
      severity: 'error',
      comment: "A domain module reaches another only through that module's index.ts.",
      from: { path: moduleFolder, pathNot: notTestOrBench },
      to: {
        path: moduleFolder,
        pathNot: ['^packages/core/src/$1/', `${moduleFolder}index\\.ts$`],
      },
    },
    {
      name: 'kits-know-no-module',
      severity: 'error',
      comment:
        'Shared kits (db, http, pagination, secrets, providers, errors, validation, scope, …) import no domain module and not the composition root.',
      from: { path: sharedKits, pathNot: notTestOrBench },
      to: {
        path: [
          moduleFolder,
          '^packages/core/src/(engine|client)/',
          '^packages/core/src/(modules|tenant|greentrack|error-status|config|index|cli)\\.ts$',
        ],
      },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|node_modules|\\.next)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'types', 'default'],
      extensions: ['.ts', '.tsx', '.js', '.d.ts'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};

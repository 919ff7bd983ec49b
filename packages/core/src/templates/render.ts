/**
 * Checking and rendering template content: pure functions over strings, no database.
 * `renderTemplate` is what a preview uses now and what the campaign dispatcher will call
 * per message.
 *
 * The pipeline of an email: Liquid (outputs HTML-escaped) → MJML compiled to responsive
 * HTML (`format: 'mjml'`) → CSS inlined by juice → a plain-text alternative by
 * html-to-text. The subject is Liquid rendered as plain text on one line. An SMS is Liquid
 * rendered as plain text, measured in GSM-7 or UCS-2 segments.
 *
 * Liquid runs first because MJML drops text between its elements: a `{% if %}` around an
 * `<mj-button>` would vanish if MJML compiled the source (see docs/decisions.md).
 */

import type { HtmlToTextOptions } from 'html-to-text';
import { Liquid, LiquidError, Tag, type Template } from 'liquidjs';
import { SegmentedMessage } from 'sms-segments-calculator';
import type { Channel } from '../db/types.js';
import { GreenTrackError } from '../errors.js';
import { TemplateErrorCode } from './error-codes.js';
import { type TextConverter, textConverter } from './text-html.js';
import { type TemplateContext, unknownVariables } from './variables.js';

/** How an email's content is written. SMS content is always `text`. */
export type TemplateFormat = 'html' | 'mjml' | 'text';

/** What rendering needs of a template (a stored one, or a draft). */
export interface TemplateSource {
  channel: Channel;
  format: TemplateFormat;
  /** Email only: Liquid, rendered as one line of plain text. */
  subject: string | null;
  content: string;
}

/** A rendered email. */
export interface RenderedEmail {
  channel: 'email';
  subject: string;
  /** Responsive HTML with CSS inlined (media queries stay in a `<style>`). */
  html: string;
  /** The plain-text alternative, generated from `html`. */
  text: string;
}

/** A rendered SMS with what it costs to send. */
export interface RenderedSms {
  channel: 'sms';
  text: string;
  /** GSM-7 (160 characters in one segment, 153 per part) or UCS-2 (70, 67). */
  encoding: 'GSM-7' | 'UCS-2';
  /** Segments the carrier bills. */
  segments: number;
  /** Length in the encoding's units: GSM-7 extension characters (`€`, `{`, …) count 2. */
  characters: number;
}

export type RenderedTemplate = RenderedEmail | RenderedSms;

/** One problem in a template's content or subject, where it is. */
export interface TemplateIssue {
  /** Which field: `content` or `subject`. */
  path: 'content' | 'subject';
  message: string;
  /** 1-based; present whenever the problem has a place. */
  line?: number;
  column?: number;
  /** For an unknown variable: the reference as written, e.g. `customer.nmae`. */
  variable?: string;
}

/**
 * Limits on one render, against templates that loop or grow without end (liquidjs's DoS
 * options). A real message renders in well under a millisecond of Liquid.
 */
const LIMITS = {
  /** Milliseconds of Liquid per render. */
  renderLimit: 1_000,
  /** liquidjs's count of allocated items (strings joined, arrays built) per render. */
  memoryLimit: 10_000_000,
} as const;

/**
 * The tags that would read partials from the server's disk: not available to templates
 * (an organization's template must not read files of the host). Refused when parsed.
 */
const FILE_TAGS = ['include', 'render', 'layout'] as const;

class NoFileTag extends Tag {
  constructor(...args: ConstructorParameters<typeof Tag>) {
    super(...args);
    throw new Error(`{% ${args[0].name} %} is not available in templates`);
  }
  // Never reached: the constructor refuses the tag when the template is parsed.
  render(): void {}
}

/**
 * A Liquid engine with our limits and without file tags. `outputs`: HTML-escaped
 * (`true`), as they are (`false`), or passed through a function (see `prepare.ts`).
 */
export function engine(outputs: boolean | ((this: unknown, value: unknown) => string)): Liquid {
  const liquid = new Liquid({
    strictVariables: true,
    strictFilters: true,
    // `{% if invoice %}` and `| default` test a variable that may be absent.
    lenientIf: true,
    ownPropertyOnly: true,
    // An empty in-memory file system, in case a tag reaches for one anyway.
    templates: {},
    ...(outputs === true ? { outputEscape: 'escape' as const } : {}),
    ...(typeof outputs === 'function' ? { outputEscape: outputs } : {}),
    ...LIMITS,
  });
  for (const tag of FILE_TAGS) liquid.registerTag(tag, NoFileTag);
  return liquid;
}

/** Outputs HTML-escaped (`| raw` opts out): email bodies. */
const htmlLiquid = engine(true);
/** Outputs as they are: subjects and SMS. */
const textLiquid = engine(false);

export const engineFor = (source: Pick<TemplateSource, 'channel'>, path: TemplateIssue['path']) =>
  source.channel === 'email' && path === 'content' ? htmlLiquid : textLiquid;

/** The liquidjs message without its ", line:1, col:2" suffix (the issue carries those). */
function liquidIssue(error: LiquidError, path: TemplateIssue['path']): TemplateIssue {
  const [line, column] = error.token.getPosition();
  const message = (error.originalError?.message ?? error.message).replace(
    /, line:\d+, col:\d+$/,
    '',
  );
  return { path, message, line, column };
}

/**
 * Parses one field and checks every variable it reads against the documented set.
 * Returns the parsed template, or the issues (a syntax error stops at the first).
 */
function parseField(
  source: Pick<TemplateSource, 'channel'>,
  path: TemplateIssue['path'],
  text: string,
): { template: Template[]; issues: TemplateIssue[] } {
  const liquid = engineFor(source, path);
  let template: Template[];
  try {
    template = liquid.parse(text);
  } catch (error) {
    if (error instanceof LiquidError) return { template: [], issues: [liquidIssue(error, path)] };
    throw error;
  }
  const { globals } = liquid.analyzeSync(template, { partials: false });
  const issues = unknownVariables(globals).map(
    (v): TemplateIssue => ({
      path,
      message: `unknown variable ${v.variable}`,
      line: v.line,
      column: v.column,
      variable: v.variable,
    }),
  );
  return { template, issues };
}

/** Liquid tags and outputs, matched after a successful parse (so they are well formed). */
const LIQUID_MARKUP = /\{%-?[\s\S]*?-?%\}|\{\{-?[\s\S]*?-?\}\}/g;

/**
 * The MJML source with every Liquid tag and output blanked to spaces, newlines kept, so
 * MJML's line numbers are the source's. Both branches of an `{% if %}` and one pass of a
 * loop stay: each must be valid MJML on its own anyway.
 */
function blankLiquid(content: string): string {
  return content.replace(LIQUID_MARKUP, (markup) => markup.replace(/[^\n]/g, ' '));
}

/** Text to mail: html-to-text's defaults, wrapped at 78 (RFC 5322's line length). */
const TEXT_OPTIONS: HtmlToTextOptions = {
  wordwrap: 78,
  selectors: [
    // Images say nothing in text; tracking pixels would leave a bare URL.
    { selector: 'img', format: 'skip' },
  ],
};

/**
 * The email toolchain (mjml, juice, html-to-text), imported on first use and kept: importing
 * it costs ~0.5 s (mjml ~370 ms, juice ~110 ms measured here), which every process that
 * imports core — the CLI, a serverless cold start, an SMS-only host — would otherwise pay.
 */
let emailTools:
  | Promise<
      {
        mjml2html: typeof import('mjml');
        juice: typeof import('juice');
      } & TextConverter
    >
  | undefined;
export const loadEmailTools = () => {
  emailTools ??= Promise.all([import('mjml'), import('juice'), import('html-to-text')]).then(
    ([mjml, juice, htmlToText]) => ({
      mjml2html: mjml.default,
      juice: juice.default,
      ...textConverter(htmlToText.compile, TEXT_OPTIONS),
    }),
  );
  return emailTools;
};

/** MJML's validation error: `errors` lists each problem with its line. */
interface MjmlValidationError {
  errors: Array<{ line?: number; message: string }>;
}

const isMjmlValidationError = (error: unknown): error is MjmlValidationError =>
  error instanceof Error && Array.isArray((error as Partial<MjmlValidationError>).errors);

/** Compiles MJML strictly: no includes, no `.mjmlconfig` of the host's working directory. */
export async function compileMjml(mjml: string): Promise<string> {
  const { mjml2html } = await loadEmailTools();
  const { html } = await mjml2html(mjml, {
    validationLevel: 'strict',
    ignoreIncludes: true,
    keepComments: false,
  });
  return html;
}

/** MJML problems of `content` as issues with lines (messages never carry server paths). */
async function mjmlIssues(content: string): Promise<TemplateIssue[]> {
  try {
    await compileMjml(blankLiquid(content));
    return [];
  } catch (error) {
    if (isMjmlValidationError(error)) {
      return error.errors.map((e) => ({
        path: 'content',
        message: `MJML: ${e.message}`,
        ...(e.line === undefined ? {} : { line: e.line }),
      }));
    }
    return [{ path: 'content', message: `MJML: ${mjmlMessage(error)}` }];
  }
}

const mjmlMessage = (error: unknown) =>
  error instanceof Error ? error.message : 'the document could not be parsed';

/**
 * Every problem of a template that can be found without rendering it: Liquid syntax,
 * unknown filters, variables outside the documented set, tags that would read files, and
 * (MJML) invalid structure — each with its line and column. Empty when the template is
 * fine.
 */
export async function checkTemplate(source: TemplateSource): Promise<TemplateIssue[]> {
  const issues = parseField(source, 'content', source.content).issues;
  if (source.subject !== null) issues.push(...parseField(source, 'subject', source.subject).issues);
  if (source.format === 'mjml' && issues.length === 0)
    issues.push(...(await mjmlIssues(source.content)));
  return issues;
}

/**
 * The variables a template reads (e.g. `customer.name`, `invoice.total`), each once (grouped by
 * root): what a campaign needs to supply (an invoice or not).
 */
export function templateVariables(source: TemplateSource): string[] {
  const seen = new Set<string>();
  for (const [path, text] of [
    ['subject', source.subject],
    ['content', source.content],
  ] as const) {
    if (text === null) continue;
    const liquid = engineFor(source, path);
    for (const variable of liquid.globalFullVariablesSync(text, { partials: false })) {
      seen.add(variable);
    }
  }
  return [...seen];
}

/** `TEMPLATE_RENDER_FAILED` for one issue: what failed, and where when Liquid knows. */
function renderFailed(issue: TemplateIssue): GreenTrackError {
  return new GreenTrackError({
    code: TemplateErrorCode.TEMPLATE_RENDER_FAILED,
    message: `The template could not be rendered: ${issue.message}`,
    details: { issues: [issue] },
  });
}

async function renderField(
  source: TemplateSource,
  path: TemplateIssue['path'],
  text: string,
  context: TemplateContext,
): Promise<string> {
  const liquid = engineFor(source, path);
  try {
    return await liquid.parseAndRender(text, context);
  } catch (error) {
    if (error instanceof LiquidError) throw renderFailed(liquidIssue(error, path));
    throw error;
  }
}

/** The context as Liquid gets it: absent, not undefined, so strict variables report `invoice.total` itself. */
export function renderScope(context: TemplateContext): TemplateContext {
  const scope: Partial<TemplateContext> = { ...context };
  if (context.invoice == null) delete scope.invoice;
  return scope as TemplateContext;
}

/** One header line: a customer's field must not break the subject into headers. */
export const oneLine = (subject: string) => subject.replace(/\s*[\r\n]+\s*/g, ' ').trim();

/** An SMS body with what it costs to send. */
export function smsOf(text: string): RenderedSms {
  const message = new SegmentedMessage(text);
  return {
    channel: 'sms',
    text,
    encoding: message.encodingName,
    segments: message.segmentsCount,
    characters: message.numberOfCharacters,
  };
}

/**
 * Renders a template for one recipient. Pure: the caller supplies every value (a preview
 * reads the customer's row; the dispatcher signs `urls` per message).
 *
 * @throws `TEMPLATE_RENDER_FAILED` for a variable the context lacks (e.g. `invoice.total` with no
 * invoice), a Liquid filter failing, a render limit reached, or MJML that is invalid once
 * rendered — with the line and column in the template.
 *
 * @example
 * const { subject, html, text } = await renderTemplate(
 *   { channel: 'email', format: 'mjml', subject: 'Hi {{ customer.first_name }}', content },
 *   { customer, organization, urls: { unsubscribe, preferences } },
 * );
 */
export async function renderTemplate(
  source: TemplateSource,
  context: TemplateContext,
): Promise<RenderedTemplate> {
  const scope = renderScope(context);
  const body = await renderField(source, 'content', source.content, scope);
  if (source.channel === 'sms') return smsOf(body);
  const subjectText = source.subject ?? '';
  const subject = oneLine(await renderField(source, 'subject', subjectText, scope));
  let html = body;
  if (source.format === 'mjml') {
    try {
      html = await compileMjml(body);
    } catch (error) {
      const first = isMjmlValidationError(error) ? error.errors[0] : undefined;
      throw renderFailed({
        path: 'content',
        message: `MJML: ${first?.message ?? mjmlMessage(error)}`,
      });
    }
  }
  const { juice, toText } = await loadEmailTools();
  html = juice(html);
  return { channel: 'email', subject, html, text: toText(html) };
}

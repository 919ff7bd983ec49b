/**
 * Templates prepared once for many recipients: what the campaign dispatcher renders with.
 *
 * `renderTemplate` runs the whole email pipeline per recipient — Liquid, MJML (~4 ms warm
 * on a quiet core, ~14 ms on a busy one), juice, html-to-text — yet little of it depends
 * on the recipient. A prepared template renders each recipient's Liquid with every output
 * (`{{ … }}`, `{% echo %}`) replaced by a numbered placeholder. What is left, the
 * *shape*, depends only on the branches and loop counts the recipient's data took, so
 * MJML and juice run once per shape (a handful per campaign) and the result is kept. Per
 * recipient, the compiled shape's placeholders are filled with the escaped outputs; the
 * text alternative and the link offsets come from what the shape worked out once
 * (`compiled-shape.ts`), so the recipient's HTML is never tokenized.
 *
 * Byte for byte what `renderTemplate` gives (prepare.test.ts checks it over the render
 * tests' templates and awkward values). A shape is used only when every placeholder came
 * out of MJML and juice exactly once, in order, as text or inside a double-quoted
 * attribute other than `style` and `class` — places neither tool reads. Otherwise (an
 * output inside CSS, a placeholder MJML dropped, a value that contains a placeholder) that
 * shape or that recipient goes through `renderTemplate`, as does a recipient whose Liquid
 * fails, so the error names the line and column in the template. `| raw` outputs are not
 * placeholders: their HTML is part of the shape, which MJML and juice then see as before.
 */
import { randomBytes } from 'node:crypto';
import { filters, LiquidError } from 'liquidjs';
import { type CompiledShape, compileShape, fillShape, trimmable } from './compiled-shape.js';
import type { HtmlLinks } from './html-links.js';
import {
  compileMjml,
  engine,
  engineFor,
  loadEmailTools,
  oneLine,
  type RenderedTemplate,
  renderScope,
  renderTemplate,
  smsOf,
  type TemplateSource,
} from './render.js';
import type { TemplateContext } from './variables.js';

/**
 * A prepared render: what `renderTemplate` gives, and for an email rendered from a
 * compiled shape, where the links of its HTML are (so decorating them needs no parse).
 */
export type PreparedRender = RenderedTemplate & { links?: HtmlLinks };

/** A template ready to render for many recipients. */
export interface PreparedTemplate {
  /** Same result (and errors) as `renderTemplate(source, context)`, plus `links` when known. */
  render(context: TemplateContext): Promise<PreparedRender>;
  /** What the renders cost so far: shapes compiled, and recipients rendered in full. */
  readonly stats: { shapes: number; full: number };
}

/** Compiled shapes kept per template, least recently used dropped first. */
const MAX_SHAPES = 32;

/** liquidjs's own `escape` filter: the outputs escape exactly as `renderTemplate`'s do. */
const escapeFilter = filters.escape as (this: unknown, value: unknown) => string;

/** Runs `work`; a Liquid error yields `undefined` (the caller falls back to `renderTemplate`). */
function unlessLiquidFails<T>(work: () => T): T | undefined {
  try {
    return work();
  } catch (error) {
    if (error instanceof LiquidError) return undefined;
    throw error;
  }
}

/** Renders with `renderTemplate`, counted: a template (or recipient) off the fast path. */
function inFull(source: TemplateSource, stats: PreparedTemplate['stats']) {
  return (context: TemplateContext) => {
    stats.full += 1;
    return renderTemplate(source, context);
  };
}

function prepareSms(source: TemplateSource): PreparedTemplate {
  const stats = { shapes: 0, full: 0 };
  const full = inFull(source, stats);
  const liquid = engineFor(source, 'content');
  const content = unlessLiquidFails(() => liquid.parse(source.content));
  if (!content) return { render: full, stats };
  return {
    stats,
    render: async (context) => {
      try {
        return smsOf(await liquid.render(content, renderScope(context)));
      } catch (error) {
        if (error instanceof LiquidError) return full(context);
        throw error;
      }
    },
  };
}

function prepareEmail(source: TemplateSource): PreparedTemplate {
  const stats = { shapes: 0, full: 0 };
  const full = inFull(source, stats);
  const fallback: PreparedTemplate = { render: full, stats };
  // Lowercase hex: MJML, juice and html-to-text leave it alone, and no template has it.
  const nonce = randomBytes(8).toString('hex');
  if (source.content.includes(nonce)) return fallback;
  const placeholder = new RegExp(`gt${nonce}q(\\d+)q`, 'g');
  /** The escaped outputs of the render in progress (renders are synchronous: no overlap). */
  let outputs: string[] = [];
  const shaping = engine(function placeholderFor(this: unknown, value: unknown): string {
    outputs.push(escapeFilter.call(this, value));
    return `gt${nonce}q${outputs.length - 1}q`;
  });
  const subjectLiquid = engineFor(source, 'subject');
  const content = unlessLiquidFails(() => shaping.parse(source.content));
  const subject = unlessLiquidFails(() => subjectLiquid.parse(source.subject ?? ''));
  if (!content || !subject) return fallback;

  /** Shape → its compiled pieces, or `null`: render that shape in full. */
  const shapes = new Map<string, Promise<CompiledShape | null>>();
  const compiled = (shape: string, count: number): Promise<CompiledShape | null> => {
    let pieces = shapes.get(shape);
    if (pieces) {
      shapes.delete(shape);
    } else {
      stats.shapes += 1;
      pieces = (async () => {
        try {
          const html = source.format === 'mjml' ? await compileMjml(shape) : shape;
          const tools = await loadEmailTools();
          return compileShape(tools.juice(html), placeholder, count, tools);
        } catch {
          // Invalid MJML once rendered: `renderTemplate` reports it as it always has.
          return null;
        }
      })();
      if (shapes.size >= MAX_SHAPES) shapes.delete(shapes.keys().next().value as string);
    }
    shapes.set(shape, pieces);
    return pieces;
  };

  return {
    stats,
    render: async (context) => {
      const scope = renderScope(context);
      const shaped = unlessLiquidFails(() => {
        outputs = [];
        return { shape: shaping.renderSync(content, scope), values: outputs };
      });
      const subjectText = unlessLiquidFails(() => subjectLiquid.renderSync(subject, scope));
      if (!shaped || subjectText === undefined) return full(context);
      const { shape, values } = shaped;
      // A value that itself holds a placeholder (a `capture` output again) would be filled twice.
      if (values.some((v) => v.includes(nonce))) return full(context);
      const done = await compiled(shape, values.length);
      if (!done || values.some((v, k) => done.edges[k] && trimmable(v))) return full(context);
      const { html, text, links } = fillShape(done, values);
      return { channel: 'email', subject: oneLine(subjectText), html, text, links };
    },
  };
}

/**
 * Prepares a template for many renders (the dispatcher: once per template per run). The
 * per-recipient part is Liquid and the text alternative; MJML and juice run once per shape.
 *
 * @example
 * const prepared = await prepareTemplate(source);
 * for (const customer of batch) send(await prepared.render({ customer, organization, urls }));
 */
export async function prepareTemplate(source: TemplateSource): Promise<PreparedTemplate> {
  if (source.channel === 'email') await loadEmailTools();
  return source.channel === 'sms' ? prepareSms(source) : prepareEmail(source);
}

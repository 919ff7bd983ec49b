/**
 * A compiled shape: the HTML MJML and juice made of a template's shape, cut into the static
 * pieces around its numbered placeholders, with what every recipient's message shares
 * worked out once: where its links are (`html-links.ts`) and the parsed document its text
 * alternative is made from (`text-html.ts`). Filling it for a recipient is string
 * concatenation, html-to-text's walk over that document with the values in place, and
 * the link offsets moved by the lengths of the values — no tokenizing of the recipient's
 * HTML.
 */
import { decodeAttributeValue, findHtmlLinks, type HtmlLinks } from './html-links.js';
import { compileText, type ShapeText, type TextConverter } from './text-html.js';

/** A position in the filled HTML: `offset` bytes into static piece `piece`. */
interface Place {
  piece: number;
  offset: number;
}

/** An `href` of the shape; its `url` is known once unless a placeholder is in its value. */
interface ShapeHref {
  start: Place;
  end: Place;
  valueStart: Place;
  valueEnd: Place;
  url: string | undefined;
}

/** A compiled shape: the static pieces around its placeholders. */
export interface CompiledShape {
  pieces: string[];
  /**
   * Per placeholder: it touches a tag or a quote. MJML trims the content of its elements,
   * so there a value that is empty or starts or ends with whitespace would have come out
   * trimmed (with the static whitespace next to it): such a recipient renders in full.
   */
  edges: boolean[];
  hrefs: ShapeHref[];
  bodyEnd: Place | undefined;
  /** The text alternative for a recipient's values (`text-html.ts`). */
  text: ShapeText;
}

/** A recipient's message from a compiled shape. */
export interface FilledShape {
  html: string;
  text: string;
  links: HtmlLinks;
}

/** Index `at` is inside `open … close` (e.g. a `<style>` element or a comment). */
const within = (html: string, at: number, open: string, close: string) =>
  html.lastIndexOf(open, at) > html.lastIndexOf(close, at);

/**
 * A placeholder at `at` sits where MJML and juice copy bytes without reading them: text
 * outside `<style>`, `<script>` and comments, or a double-quoted attribute value other
 * than `style` and `class` (juice would parse or match those).
 */
function plainPlace(html: string, at: number): boolean {
  const open = html.lastIndexOf('<', at);
  if (open > html.lastIndexOf('>', at)) {
    const attribute = /\s([^\s"'=<>/]+)="[^"]*$/.exec(html.slice(open, at));
    return attribute !== null && !/^(style|class)$/i.test(attribute[1] ?? '');
  }
  return (
    !within(html, at, '<style', '</style') &&
    !within(html, at, '<script', '</script') &&
    !within(html, at, '<!--', '-->')
  );
}

/** Where each placeholder is in `html`: its number, start and end (exclusive). */
function placeholdersIn(html: string, placeholder: RegExp) {
  return [...html.matchAll(placeholder)].map((match) => ({
    number: Number(match[1]),
    start: match.index,
    end: match.index + match[0].length,
  }));
}

/** The place of `at` (never inside a placeholder) among pieces starting at `starts`. */
function placeOf(starts: readonly number[], at: number): Place {
  let piece = 0;
  while (piece + 1 < starts.length && (starts[piece + 1] ?? 0) <= at) piece++;
  return { piece, offset: at - (starts[piece] ?? 0) };
}

/**
 * The compiled shape of HTML holding placeholders 0 … count-1, or `null` when they did not
 * all come out once, in order, in plain places. `converter` makes the text alternative.
 */
export function compileShape(
  html: string,
  placeholder: RegExp,
  count: number,
  converter: TextConverter,
): CompiledShape | null {
  const found = placeholdersIn(html, placeholder);
  if (found.length !== count) return null;
  if (found.some((p, k) => p.number !== k || !plainPlace(html, p.start))) return null;
  const starts = [0, ...found.map((p) => p.end)];
  const pieces = starts.map((start, k) => html.slice(start, found[k]?.start ?? html.length));
  const edges = found.map(
    (p) => /[>"]/.test(html[p.start - 1] ?? '>') || /[<"]/.test(html[p.end] ?? '<'),
  );
  const links = findHtmlLinks(html);
  const hrefs = links.hrefs.map((href) => {
    const valueStart = placeOf(starts, href.valueStart);
    const valueEnd = placeOf(starts, href.valueEnd);
    return {
      start: placeOf(starts, href.start),
      end: placeOf(starts, href.end),
      valueStart,
      valueEnd,
      // A placeholder inside the value: its URL is only known per recipient.
      url: valueStart.piece === valueEnd.piece ? href.url : undefined,
    };
  });
  return {
    pieces,
    edges,
    hrefs,
    bodyEnd: links.bodyEnd === undefined ? undefined : placeOf(starts, links.bodyEnd),
    text: compileText(html, placeholder, converter),
  };
}

/** Values that would not come out of MJML as they went in at an edge (see `edges`). */
export const trimmable = (value: string) => value === '' || /^\s|\s$/.test(value);

/**
 * A recipient's message: the shape's pieces filled with `values` (escaped HTML), its text
 * alternative, and its links at their offsets in this HTML.
 */
export function fillShape(shape: CompiledShape, values: readonly string[]): FilledShape {
  const { pieces } = shape;
  // Where each piece starts in this recipient's HTML.
  const starts: number[] = [];
  let html = '';
  for (let k = 0; k < pieces.length; k++) {
    starts.push(html.length);
    html += (pieces[k] ?? '') + (values[k] ?? '');
  }
  const at = (place: Place) => (starts[place.piece] ?? 0) + place.offset;
  const hrefs = shape.hrefs.map((href) => {
    const valueStart = at(href.valueStart);
    const valueEnd = at(href.valueEnd);
    return {
      start: at(href.start),
      end: at(href.end),
      valueStart,
      valueEnd,
      url: href.url ?? decodeAttributeValue(html.slice(valueStart, valueEnd)),
    };
  });
  return {
    html,
    text: shape.text(values, html),
    links: { hrefs, bodyEnd: shape.bodyEnd && at(shape.bodyEnd) },
  };
}

/**
 * The plain-text alternative of a compiled shape, per recipient, without tokenizing HTML.
 *
 * html-to-text parses its input into a DOM (htmlparser2 + domhandler), finds `<body>` and
 * walks it. A shape's DOM is the same for every recipient but for the values in its text
 * and attributes, so it is parsed once, and per recipient those values are set on the
 * nodes that hold placeholders and html-to-text walks that DOM (the `textOf` converter:
 * a one-element document whose formatter walks the given nodes). The conversion is the
 * same code over the same DOM, so the text is the same as converting the filled HTML —
 * checked once per shape (`compileText`) and over arbitrary values in the tests.
 *
 * Before parsing, the shape loses what the text never reads (`textHtml`): everything
 * before `<body`, every `style` attribute, the content of every comment (~70 % of an MJML
 * email). When the DOM route is not safe (see `compileText`), that smaller HTML is filled
 * and converted instead.
 */
import type { DomNode, HtmlToTextOptions } from 'html-to-text';
import { Parser, parseDocument } from 'htmlparser2';
import { decodeAttributeValue, HTML_PARSER_OPTIONS } from './html-links.js';

/** A node of a document htmlparser2 parsed (domhandler's types, not a dependency of ours). */
type ChildNode = ReturnType<typeof parseDocument>['children'][number];
type Element = Extract<ChildNode, { attribs: unknown }>;

/** html-to-text, converting HTML or an already parsed document's nodes. */
export interface TextConverter {
  toText(html: string): string;
  /** The text of these nodes (html-to-text's base elements) of a document it parsed. */
  textOf(nodes: readonly ChildNode[]): string;
}

/** The one element of the document `textOf` converts: its formatter walks the given nodes. */
const PARSED = 'greentrack-parsed-nodes';

/**
 * html-to-text with `options` compiled once (`convert` recompiles them per call), able to
 * convert parsed nodes too: through a formatter of its public API, on an element of a
 * one-element document, that walks those nodes where it would walk its children.
 */
export function textConverter(
  compile: typeof import('html-to-text').compile,
  options: HtmlToTextOptions,
): TextConverter {
  /** The nodes of the conversion in progress (conversions are synchronous: no overlap). */
  let given: DomNode[] | undefined;
  // A pick reads an element's name, attributes and surroundings; per recipient only values
  // change, and a selector could read a value only through an attribute condition.
  const memoizable = !(options.selectors ?? []).some((s) => s.selector.includes('['));
  const convert = compile({
    ...options,
    formatters: {
      ...options.formatters,
      // Once: an element of that name in a template's own HTML is walked like any inline one.
      [PARSED]: (element, walk, builder) => {
        const nodes = given ?? element.children;
        if (given && memoizable) rememberPicks(builder);
        given = undefined;
        walk(nodes, builder);
      },
    },
    selectors: [...(options.selectors ?? []), { selector: PARSED, format: PARSED }],
  });
  return {
    toText: convert,
    textOf: (nodes) => {
      // domhandler's nodes are the ones html-to-text parses into (its `DomNode` is loose).
      given = nodes as unknown as DomNode[];
      try {
        return convert(`<${PARSED}></${PARSED}>`);
      } finally {
        given = undefined;
      }
    },
  };
}

/** html-to-text's selector picker (selderee's `Picker`), as its builder holds it. */
interface Picker {
  pick1(element: DomNode, preferFirst?: boolean): unknown;
}

/** Pickers whose `pick1` remembers its answer per element. */
const remembering = new WeakSet<Picker>();

/**
 * Makes the picker of html-to-text's `builder` remember its answer per element. A shape's
 * DOM is walked once per recipient with the same elements, and choosing each element's
 * formatter through the selector decision tree was ~5 % of a dispatching worker's CPU
 * (decision 144). The picker is the builder's undocumented `picker` field (html-to-text
 * 10): without one, conversions go on unremembered. Only `textOf` turns this on, and only
 * for options without attribute selectors: every element it walks is a shape's, whose
 * name, attribute names and place never change.
 */
function rememberPicks(builder: unknown): void {
  const picker = (builder as { picker?: Picker }).picker;
  if (!picker || typeof picker.pick1 !== 'function' || remembering.has(picker)) return;
  const pick = picker.pick1.bind(picker);
  const picks = new WeakMap<DomNode, unknown>();
  picker.pick1 = (element, preferFirst) => {
    if (preferFirst) return pick(element, preferFirst);
    if (picks.has(element)) return picks.get(element);
    const picked = pick(element, preferFirst);
    picks.set(element, picked);
    return picked;
  };
  remembering.add(picker);
}

/** A shape's text for a recipient's values, given the recipient's filled HTML. */
export type ShapeText = (values: readonly string[], html: string) => string;

/**
 * `html` without what its text alternative never reads: everything before `<body` (when
 * there is a body), every `style` attribute and the content of every comment. Kept bytes
 * stay byte for byte; comments stay as empty comments (a node between two texts keeps
 * them two texts).
 */
export function textHtml(html: string): string {
  const cuts: Array<{ start: number; end: number; text: string }> = [];
  let bodyStart: number | undefined;
  const parser: Parser = new Parser(
    {
      onopentagname: (name) => {
        if (name === 'body' && bodyStart === undefined) bodyStart = parser.startIndex;
      },
      onattribute: (name) => {
        // The attribute's span, end exclusive; the space before it stays.
        if (name === 'style')
          cuts.push({ start: parser.startIndex, end: parser.endIndex, text: '' });
      },
      oncomment: () => {
        // The comment's span, end inclusive.
        cuts.push({ start: parser.startIndex, end: parser.endIndex + 1, text: '<!---->' });
      },
    },
    HTML_PARSER_OPTIONS,
  );
  parser.end(html);
  const from = bodyStart ?? 0;
  let out = '';
  let at = from;
  for (const cut of cuts) {
    if (cut.start < from) continue;
    out += html.slice(at, cut.start) + cut.text;
    at = cut.end;
  }
  return out + html.slice(at);
}

/** html-to-text's base elements: each `<body>` (not looked into), else the whole document. */
function baseElements(nodes: readonly ChildNode[]): ChildNode[] {
  const bodies: ChildNode[] = [];
  const visit = (list: readonly ChildNode[]) => {
    for (const node of list) {
      if (node.type !== 'tag') continue;
      if (node.name === 'body') bodies.push(node);
      else visit(node.children);
    }
  };
  visit(nodes);
  return bodies.length > 0 ? bodies : [...nodes];
}

/** A text's data or an attribute's value with placeholders: set per recipient. */
interface Fill {
  set(value: string): void;
  /** The static parts around the placeholders, decoded, and each placeholder's number. */
  parts: string[];
  numbers: number[];
}

/** The fills of a parsed shape: every text and attribute value holding a placeholder. */
function fillsOf(nodes: readonly ChildNode[], placeholder: RegExp): Fill[] {
  const fills: Fill[] = [];
  const add = (text: string, set: (value: string) => void) => {
    const matches = [...text.matchAll(placeholder)];
    if (matches.length === 0) return;
    const parts: string[] = [];
    let at = 0;
    for (const match of matches) {
      parts.push(text.slice(at, match.index));
      at = match.index + match[0].length;
    }
    parts.push(text.slice(at));
    fills.push({ set, parts, numbers: matches.map((m) => Number(m[1])) });
  };
  const visit = (list: readonly ChildNode[]) => {
    for (const node of list) {
      if (node.type === 'text') {
        add(node.data, (value) => {
          node.data = value;
        });
      } else if ('attribs' in node) {
        const element: Element = node;
        for (const [name, value] of Object.entries(element.attribs))
          add(value, (filled) => {
            element.attribs[name] = filled;
          });
        visit(element.children);
      }
    }
  };
  visit(nodes);
  return fills;
}

/**
 * An escaped value as the parser reads it. Liquid escapes every `&` of a value into a
 * complete entity, so a value decodes the same alone as in its place.
 */
const decoded = (value: string) => (value.includes('&') ? decodeAttributeValue(value) : value);

/**
 * How a compiled shape's text is made per recipient. `html` is the shape's HTML with its
 * placeholders; the result is checked here against converting `html` itself.
 *
 * The DOM route needs every value to decode on its own: it is not taken when a placeholder
 * follows what could begin an entity (`&amp` + a value `;…` would decode as one). Then the
 * reduced HTML is filled and converted; when even that differs, the whole HTML is.
 */
export function compileText(
  html: string,
  placeholder: RegExp,
  converter: TextConverter,
): ShapeText {
  const expected = converter.toText(html);
  const reduced = textHtml(html);
  const splitsEntity = [...reduced.matchAll(placeholder)].some((m) =>
    /&[#\w]*$/.test(reduced.slice(Math.max(0, m.index - 40), m.index)),
  );
  if (!splitsEntity) {
    // html-to-text's own parse: `decodeEntities` is its only parser option.
    const nodes = baseElements(parseDocument(reduced, { decodeEntities: true }).children);
    const fills = fillsOf(nodes, placeholder);
    const textOf = (values: readonly string[]) => {
      for (const { set, parts, numbers } of fills) {
        let filled = parts[0] ?? '';
        for (let k = 0; k < numbers.length; k++)
          filled += (values[numbers[k] ?? 0] ?? '') + (parts[k + 1] ?? '');
        set(filled);
      }
      return converter.textOf(nodes);
    };
    // Checked with the placeholders standing for themselves (they decode to themselves).
    const themselves: string[] = [];
    for (const match of html.matchAll(placeholder)) themselves[Number(match[1])] = match[0];
    if (textOf(themselves) === expected) return (values) => textOf(values.map(decoded));
  }
  const pieces = reduced.split(placeholder);
  // `split` with a capturing group alternates pieces and placeholder numbers.
  if (converter.toText(reduced) === expected)
    return (values) => {
      let text = pieces[0] ?? '';
      for (let k = 1; k < pieces.length; k += 2)
        text += (values[Number(pieces[k])] ?? '') + (pieces[k + 1] ?? '');
      return converter.toText(text);
    };
  return (_, filledHtml) => converter.toText(filledHtml);
}

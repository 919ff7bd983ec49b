/**
 * Where the links of an HTML document are: each `href` attribute of an `<a>` or `<area>`
 * (its span and its decoded value) and the end of `<body>`. Link decoration (tracking)
 * splices at these offsets; a prepared template finds them once per shape and moves them
 * per recipient, so a message's HTML need not be tokenized again to decorate it.
 *
 * htmlparser2 reads the markup: it knows comments, `<style>`/`<script>` raw text, unquoted
 * and entity-encoded attributes, which a regex over HTML would get wrong (decision 91).
 */
import { Parser } from 'htmlparser2';

/** One `href` attribute: `start`…`end` (end exclusive) spans `href="…"` in the HTML. */
interface HtmlHref {
  start: number;
  end: number;
  /** Where its value is written (inside the quotes, if any), end exclusive. */
  valueStart: number;
  valueEnd: number;
  /** The value as a browser reads it (entities decoded). */
  url: string;
}

/** The links of an HTML document, in document order. */
export interface HtmlLinks {
  hrefs: HtmlHref[];
  /** Where the last explicit `</body>` starts; `undefined` without one. */
  bodyEnd: number | undefined;
}

/** How every scan of a message's HTML reads it (the same offsets and decoded values). */
export const HTML_PARSER_OPTIONS = {
  decodeEntities: true,
  lowerCaseTags: true,
  lowerCaseAttributeNames: true,
};

/** `name = "value"`, `name='value'`, `name=value` or a bare `name`: where the value is. */
function valueSpan(html: string, start: number, end: number): [number, number] {
  const attribute = html.slice(start, end);
  const equals = /^[^=]*=\s*(["']?)/.exec(attribute);
  if (!equals) return [end, end];
  const quoted = equals[1] !== '';
  return [start + equals[0].length, quoted ? end - 1 : end];
}

/** Every `href` of `<a>`/`<area>` in `html`, and the end of its `<body>`. */
export function findHtmlLinks(html: string): HtmlLinks {
  const hrefs: HtmlHref[] = [];
  let bodyEnd: number | undefined;
  let tag = '';
  const parser: Parser = new Parser(
    {
      onopentagname: (name) => {
        tag = name;
      },
      onattribute: (name, value) => {
        if (name !== 'href' || (tag !== 'a' && tag !== 'area')) return;
        // Here the parser's indices span the attribute: `href="…"`, end exclusive.
        const { startIndex: start, endIndex: end } = parser;
        const [valueStart, valueEnd] = valueSpan(html, start, end);
        hrefs.push({ start, end, valueStart, valueEnd, url: value });
      },
      onclosetag: (name, implied) => {
        if (name === 'body' && !implied) bodyEnd = parser.startIndex;
      },
    },
    HTML_PARSER_OPTIONS,
  );
  parser.end(html);
  return { hrefs, bodyEnd };
}

/**
 * The value of an attribute as written (`raw`, between its quotes) once decoded, exactly as
 * htmlparser2 decodes it. Without `&` there is nothing to decode; otherwise the few bytes
 * of one attribute are parsed (entities in attributes have their own legacy rules).
 */
export function decodeAttributeValue(raw: string): string {
  if (!raw.includes('&')) return raw;
  let value = '';
  new Parser({ onattribute: (_, decoded) => (value = decoded) }, HTML_PARSER_OPTIONS).end(
    `<a href="${raw}">`,
  );
  return value;
}

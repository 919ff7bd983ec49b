/**
 * The part of an email's HTML that its plain-text alternative is made from.
 *
 * html-to-text reads only `<body>` when there is one, never a `style` attribute and never
 * a comment. An email compiled by MJML and juice is mostly those: inlined styles, the head
 * with its CSS and Outlook's conditional comments (~70 % of the benchmark's 6 KB email). A
 * prepared template cuts them from each compiled shape once, so the per-recipient text
 * conversion tokenizes a third of the bytes. Cutting is splicing at htmlparser2's offsets:
 * everything kept stays byte for byte, comments stay as empty comments (a node between two
 * texts keeps them two texts), so the document html-to-text walks is the same.
 */
import { Parser } from 'htmlparser2';
import { HTML_PARSER_OPTIONS } from './html-links.js';

/** A cut: `start`…`end` (end exclusive) becomes `text`. */
interface Cut {
  start: number;
  end: number;
  text: string;
}

/**
 * `html` without what its text alternative never reads: everything before `<body` (when
 * there is a body), every `style` attribute and the content of every comment.
 */
export function textHtml(html: string): string {
  const cuts: Cut[] = [];
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

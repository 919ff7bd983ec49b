/**
 * A compiled shape filled with any values gives what parsing the filled HTML gives: the
 * same text alternative (from the reduced HTML the shape keeps for it) and the same link
 * offsets and URLs (moved, not re-found). Property-based over arbitrary values, escaped as
 * Liquid escapes them, in the shapes of an MJML email and of hand-written HTML.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileShape, fillShape } from './compiled-shape.js';
import { findHtmlLinks } from './html-links.js';
import { compileMjml, engine, loadEmailTools } from './render.js';
import { textHtml } from './text-html.js';

const NONCE = '0123456789abcdef';
const PLACEHOLDER = new RegExp(`gt${NONCE}q(\\d+)q`, 'g');
/** Placeholders numbered in order of appearance, as a prepared template writes them. */
const numbered = (source: string) => {
  let n = 0;
  return source.replaceAll('{}', () => `gt${NONCE}q${n++}q`);
};

const MJML_SHAPE =
  numbered(`<mjml><mj-head><mj-style>.note div { color: #555555 !important; }</mj-style></mj-head>
  <mj-body><mj-section><mj-column>
    <mj-text font-size="20px">Hello {},</mj-text>
    <mj-text css-class="note">Our sale for {} customers in
      {} starts today.<br/>{}</mj-text>
    <mj-button href="https://shop.example/sale?who={}&amp;x=1">Shop</mj-button>
    <mj-text><a href="{}">Unsubscribe</a> · <a href="https://shop.example/{}/prefs">Preferences</a></mj-text>
  </mj-column></mj-section></mj-body></mjml>`);

const HTML_SHAPE =
  numbered(`<!doctype html><html><head><title>{}</title><style>p { margin: 0 }</style></head>
<body style="margin:0"><!--[if mso]><table><tr><td><![endif]-->
<h2 style="color:red">{}</h2><p>Hi {}, <a href="https://shop.example/p/{}?a=1&amp;b=2" style="x">shop</a> <a href='https://single.example/'>single</a></p>
<!-- {{ not a placeholder }} --><ul><li>{}</li><li><b>{}</b>!</li></ul><pre>{}   kept</pre><table><tr><td>{}</td><td>{}</td></tr></table>
</body></html>`);

const liquid = engine(true);
const template = liquid.parse('{{ v }}');
/** Values as Liquid outputs them into HTML: escaped, of every kind of text. */
const value = fc
  .oneof(
    fc.string({ maxLength: 40, unit: 'grapheme' }),
    fc.constantFrom('', ' ', 'Ada Lovelace', '  spaced  \n out ', '&amp;', 'a\u00a0b', '😀'),
    fc.string({
      maxLength: 90,
      unit: fc.constantFrom('a', ' ', '\n', '&', '<', '"', "'", ';', '-'),
    }),
  )
  .map((v) => liquid.renderSync(template, { v }) as string);

let toText: (html: string) => string;
let shapes: Array<[string, string]>;
beforeAll(async () => {
  const tools = await loadEmailTools();
  toText = tools.toText;
  shapes = [
    ['an MJML email', tools.juice(await compileMjml(MJML_SHAPE))],
    ['hand-written HTML', tools.juice(HTML_SHAPE)],
  ];
});

describe('compiled shapes', () => {
  it('keep a reduced HTML for the text alternative, a third of an MJML email', () => {
    for (const [name, html] of shapes) {
      const count = [...html.matchAll(PLACEHOLDER)].length;
      const shape = compileShape(html, PLACEHOLDER, count, toText);
      expect(shape?.text, name).toBeDefined();
      const reduced = textHtml(html);
      expect(reduced).not.toMatch(/<head|style=|<!--\[if/);
      if (name === 'an MJML email') expect(reduced.length).toBeLessThan(html.length / 2.5);
    }
  });

  it('filled with any values, give the text and links that parsing the HTML gives', () => {
    for (const [name, html] of shapes) {
      const count = [...html.matchAll(PLACEHOLDER)].length;
      const shape = compileShape(html, PLACEHOLDER, count, toText);
      if (!shape) throw new Error(`${name} did not compile`);
      fc.assert(
        fc.property(fc.array(value, { minLength: count, maxLength: count }), (values) => {
          const filled = fillShape(shape, values, toText);
          expect(filled.text).toBe(toText(filled.html));
          expect(filled.links).toEqual(findHtmlLinks(filled.html));
        }),
        { seed: 10, numRuns: 150 },
      );
    }
  });

  it('are refused when a placeholder went missing, repeated or into CSS', () => {
    const ok = numbered('<p>{}</p><p>{}</p>');
    expect(compileShape(ok, PLACEHOLDER, 2, toText)).not.toBeNull();
    expect(compileShape(ok, PLACEHOLDER, 3, toText)).toBeNull();
    expect(compileShape(`${ok}gt${NONCE}q1q`, PLACEHOLDER, 2, toText)).toBeNull();
    expect(compileShape(numbered('<p style="color:{}">x</p>'), PLACEHOLDER, 1, toText)).toBeNull();
    expect(compileShape(numbered('<style>p{color:{}}</style>'), PLACEHOLDER, 1, toText)).toBeNull();
  });
});

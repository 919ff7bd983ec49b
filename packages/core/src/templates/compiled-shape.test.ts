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
import { type TextConverter, textHtml } from './text-html.js';

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
<ol start="{}"><li>one</li></ol><img alt="{}" src="https://cdn.example/{}.png"><h1>{} &amp; co</h1>
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

let tools: TextConverter;
/** The converter, counting which of its routes each text took. */
const calls = { toText: 0, textOf: 0 };
const counting: TextConverter = {
  toText: (html) => {
    calls.toText += 1;
    return tools.toText(html);
  },
  textOf: (nodes) => {
    calls.textOf += 1;
    return tools.textOf(nodes);
  },
};
let shapes: Array<[string, string, 'parsed once' | 'reduced HTML']>;
beforeAll(async () => {
  const loaded = await loadEmailTools();
  tools = loaded;
  shapes = [
    ['an MJML email', loaded.juice(await compileMjml(MJML_SHAPE)), 'parsed once'],
    ['hand-written HTML', loaded.juice(HTML_SHAPE), 'parsed once'],
    // `&amp` + a value `;x` decodes as `&x` in place, `&;x` apart: this shape is refilled.
    [
      'an entity cut short before a value',
      numbered('<p>Tom &amp{} <b>&#3{}</b></p>'),
      'reduced HTML',
    ],
  ];
});

describe('compiled shapes', () => {
  it('keep a reduced HTML for the text alternative, a third of an MJML email', () => {
    const [[, html]] = shapes as [[string, string, unknown]];
    const reduced = textHtml(html);
    expect(reduced).not.toMatch(/<head|style=|<!--\[if/);
    expect(reduced.length).toBeLessThan(html.length / 2.5);
    expect(tools.toText(reduced)).toBe(tools.toText(html));
  });

  it('filled with any values, give the text and links that parsing the HTML gives', () => {
    for (const [name, html, route] of shapes) {
      const count = [...html.matchAll(PLACEHOLDER)].length;
      const shape = compileShape(html, PLACEHOLDER, count, counting);
      if (!shape) throw new Error(`${name} did not compile`);
      fc.assert(
        fc.property(fc.array(value, { minLength: count, maxLength: count }), (values) => {
          calls.toText = 0;
          calls.textOf = 0;
          const filled = fillShape(shape, values);
          // The parsed document is walked, or the reduced HTML converted: never both.
          expect(calls, name).toEqual(
            route === 'parsed once' ? { toText: 0, textOf: 1 } : { toText: 1, textOf: 0 },
          );
          expect(filled.text, name).toBe(tools.toText(filled.html));
          expect(filled.links, name).toEqual(findHtmlLinks(filled.html));
        }),
        { seed: 10, numRuns: 150 },
      );
    }
  });

  it("convert a template's own element named like the converter's, as any inline one", () => {
    const html = '<p>a <greentrack-parsed-nodes>b <i>c</i></greentrack-parsed-nodes> d</p>';
    expect(tools.toText(html)).toBe('a b c d');
  });

  it('are refused when a placeholder went missing, repeated or into CSS', () => {
    const ok = numbered('<p>{}</p><p>{}</p>');
    const compile = (html: string, count: number) => compileShape(html, PLACEHOLDER, count, tools);
    expect(compile(ok, 2)).not.toBeNull();
    expect(compile(ok, 3)).toBeNull();
    expect(compile(`${ok}gt${NONCE}q1q`, 2)).toBeNull();
    expect(compile(numbered('<p style="color:{}">x</p>'), 1)).toBeNull();
    expect(compile(numbered('<style>p{color:{}}</style>'), 1)).toBeNull();
  });
});

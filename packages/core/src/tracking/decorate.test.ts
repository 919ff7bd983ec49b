/**
 * Link decoration on HTML and plain text: only real links change, byte for byte
 * everything else stays as rendered.
 */
import { describe, expect, it } from 'vitest';
import { decorateHtml, decorateText } from './decorate.js';

const utm = { source: 'greentrack', medium: 'email', campaign: 'spring' };
const track = (url: string) => `https://t.example/c/${encodeURIComponent(url)}`;

describe('decorateHtml', () => {
  it('rewrites <a>/<area> hrefs only, keeps the rest byte for byte, and adds the pixel', () => {
    const html = `<!doctype html><html><head><style>a{background:url(https://cdn.example/x.png)}</style></head>
<body><!-- <a href="https://commented.example/">no</a> -->
<p title="https://text.example/">Visit https://text.example/ <a class=x href=https://shop.example/a?b=1&amp;c=2>shop</a></p>
<a href='mailto:me@example.com'>mail</a><a href="#top">top</a><a href="/relative">rel</a>
<map><area href="https://shop.example/area" alt=""></map><a name="no-href">x</a>
</body></html>`;
    const out = decorateHtml(html, { utm, track }, { pixel: 'https://t.example/o/1' });
    expect(out).toContain(
      `href="${track('https://shop.example/a?b=1&c=2&utm_source=greentrack&utm_medium=email&utm_campaign=spring').replaceAll('&', '&amp;')}"`,
    );
    expect(out).toContain(
      `href="${track('https://shop.example/area?utm_source=greentrack&utm_medium=email&utm_campaign=spring')}"`,
    );
    for (const untouched of [
      'url(https://cdn.example/x.png)',
      '<!-- <a href="https://commented.example/">no</a> -->',
      'title="https://text.example/">Visit https://text.example/ ',
      `href='mailto:me@example.com'`,
      'href="#top"',
      'href="/relative"',
      '<a name="no-href">',
    ])
      expect(out).toContain(untouched);
    expect(out).toMatch(/<img src="https:\/\/t\.example\/o\/1"[^>]*\/>\n?<\/body>/);
  });

  it('keeps an author’s UTM values, skips kept links, and gives repeats one tracked URL', () => {
    const seen = new Map<string, string>();
    const html =
      '<a href="https://a.example/?utm_campaign=own">1</a><a href="https://a.example/?utm_campaign=own">2</a><a href="https://t.example/u/tok">u</a>';
    const out = decorateHtml(
      html,
      { utm, track, keep: (url) => url.startsWith('https://t.example/') },
      { seen },
    );
    const own = track('https://a.example/?utm_campaign=own&utm_source=greentrack&utm_medium=email');
    expect(out.split(own.replaceAll('&', '&amp;')).length - 1).toBe(2);
    expect(out).toContain('href="https://t.example/u/tok"');
    // The text part reuses the same tracked URL for the same link.
    expect(decorateText('Read [https://a.example/?utm_campaign=own].', { utm, track }, seen)).toBe(
      `Read [${own}].`,
    );
  });

  it('appends the pixel to a fragment without <body> and leaves a document without links alone', () => {
    expect(decorateHtml('<p>Hi</p>', { utm }, { pixel: 'https://t.example/o/2' })).toMatch(
      /^<p>Hi<\/p><img src="https:\/\/t\.example\/o\/2"/,
    );
    expect(decorateHtml('<p>Hi</p>', { utm })).toBe('<p>Hi</p>');
  });
});

describe('decorateText', () => {
  it('adds UTM to web links in SMS text, without the sentence punctuation after them', () => {
    expect(
      decorateText(
        'Sale! https://shop.example/s?x=1. Or http://b.example/p), not ftp://c.example',
        {
          utm: { source: 'greentrack', medium: 'sms', campaign: null },
        },
      ),
    ).toBe(
      'Sale! https://shop.example/s?x=1&utm_source=greentrack&utm_medium=sms. Or http://b.example/p?utm_source=greentrack&utm_medium=sms), not ftp://c.example',
    );
  });
});

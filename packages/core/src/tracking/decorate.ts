/**
 * Link decoration: the campaign's UTM parameters on every web link of a message, each link
 * (optionally) routed through the first-party click redirect, and an open pixel in email.
 *
 * HTML goes through htmlparser2 (`findHtmlLinks`: the tokenizer under cheerio and juice; it
 * knows comments, `<style>`/`<script>` raw text, unquoted and entity-encoded attributes),
 * and only the `href` attributes of `<a>`/`<area>` are spliced at the offsets it reports:
 * the rest of the message stays byte for byte as rendered. A prepared template hands over
 * those offsets with its HTML (found once per template shape), which saves the parse. A
 * regex over HTML would also match URLs in comments, styles and text, and break on `>`
 * inside attribute values. parse5 (the WHATWG
 * tree builder) did the same job 4–6× slower (0.84–1.10 vs 0.18–0.27 ms for a 13 KB MJML
 * email with 9 links), which matters at thousands of messages per second. Plain text (SMS,
 * the text part of email) has no markup, so there a URL pattern is the right tool.
 */
import { findHtmlLinks, type HtmlLinks } from '../templates/index.js';

/** A campaign's UTM values; `null` ones are not added. */
export interface Utm {
  source: string | null;
  medium: string | null;
  campaign: string | null;
}

/** How one message's links are decorated. */
export interface Decoration {
  utm: Utm;
  /** The tracked URL for a decorated destination; absent: links keep their destination. */
  track?: (destination: string) => string;
  /** Links left exactly as they are (the message's own unsubscribe and preferences URLs). */
  keep?: (url: string) => boolean;
}

/** Adds the UTM parameters a URL does not already set; non-web URLs are returned unchanged. */
function withUtm(url: string, utm: Utm): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return url;
  const add: Array<[string, string | null]> = [
    ['utm_source', utm.source],
    ['utm_medium', utm.medium],
    ['utm_campaign', utm.campaign],
  ];
  let changed = false;
  for (const [name, value] of add) {
    // An author's own UTM value on a link wins over the campaign's.
    if (value !== null && value !== '' && !parsed.searchParams.has(name)) {
      parsed.searchParams.set(name, value);
      changed = true;
    }
  }
  return changed ? parsed.toString() : url;
}

const isWebUrl = (url: string) => /^https?:\/\//i.test(url);

/** One link as sent: what it points at (after UTM) and what it was replaced with. */
function decorateOne(
  url: string,
  decoration: Decoration,
  seen: Map<string, string>,
): string | undefined {
  const trimmed = url.trim();
  if (!isWebUrl(trimmed) || decoration.keep?.(trimmed)) return undefined;
  const known = seen.get(trimmed);
  if (known !== undefined) return known;
  const destination = withUtm(trimmed, decoration.utm);
  const sent = decoration.track ? decoration.track(destination) : destination;
  seen.set(trimmed, sent);
  return sent;
}

const escapeAttribute = (value: string) => value.replaceAll('&', '&amp;').replaceAll('"', '&quot;');

/**
 * Decorates the links of an email's HTML and adds `pixel` (an `<img>` URL) before
 * `</body>` (at the end without one). `seen` maps each original link to what it became, so
 * the text part can reuse the same tracked URLs. `links`: where the links of `html` are,
 * when the renderer already knows (a prepared template's shape); else `html` is parsed.
 */
export function decorateHtml(
  html: string,
  decoration: Decoration,
  options: { pixel?: string; seen?: Map<string, string>; links?: HtmlLinks } = {},
): string {
  const seen = options.seen ?? new Map<string, string>();
  const { hrefs, bodyEnd } = options.links ?? findHtmlLinks(html);
  const edits: Array<{ start: number; end: number; text: string }> = [];
  for (const href of hrefs) {
    const sent = decorateOne(href.url, decoration, seen);
    if (sent !== undefined)
      edits.push({ start: href.start, end: href.end, text: `href="${escapeAttribute(sent)}"` });
  }
  if (options.pixel) {
    const at = bodyEnd ?? html.length;
    edits.push({
      start: at,
      end: at,
      text: `<img src="${escapeAttribute(options.pixel)}" width="1" height="1" alt="" style="display:block;width:1px;height:1px;border:0" />`,
    });
  }
  // In document order (the pixel, at `</body>`, after every link), joined once.
  edits.sort((a, b) => a.start - b.start);
  let out = '';
  let at = 0;
  for (const edit of edits) {
    out += html.slice(at, edit.start) + edit.text;
    at = edit.end;
  }
  return out + html.slice(at);
}

/** A web URL in plain text, without the punctuation that usually ends a sentence after it. */
const TEXT_URL = /https?:\/\/[^\s<>"'\]]+[^\s<>"'\].,;:!?)]/gi;

/** Decorates the web links of plain text (SMS, the text part of an email). */
export function decorateText(
  text: string,
  decoration: Decoration,
  seen: Map<string, string> = new Map(),
): string {
  return text.replace(TEXT_URL, (url) => decorateOne(url, decoration, seen) ?? url);
}

/**
 * Link decoration: the campaign's UTM parameters on every web link of a message, each link
 * (optionally) routed through the first-party click redirect, and an open pixel in email.
 *
 * HTML is parsed with parse5 (the WHATWG parser browsers follow) with source locations,
 * and only the `href` attributes of `<a>`/`<area>` are spliced at their exact offsets:
 * the rest of the message stays byte for byte as rendered. A regex over HTML would also
 * match URLs in comments, `<style>` and text, miss unquoted or entity-encoded attributes,
 * and break on `>` inside attribute values. Plain text (SMS, the text part of email) has no
 * markup, so there a URL pattern is the right tool.
 */
import { type DefaultTreeAdapterMap, parse } from 'parse5';

type Node = DefaultTreeAdapterMap['node'];
type Element = DefaultTreeAdapterMap['element'];

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

function* elements(node: Node): Generator<Element> {
  if ('tagName' in node) yield node;
  const children = 'childNodes' in node ? node.childNodes : [];
  for (const child of children) yield* elements(child);
  if ('content' in node && node.content) yield* elements(node.content as Node);
}

/**
 * Decorates the links of an email's HTML and adds `pixel` (an `<img>` URL) before
 * `</body>` (at the end without one). `seen` maps each original link to what it became, so
 * the text part can reuse the same tracked URLs.
 */
export function decorateHtml(
  html: string,
  decoration: Decoration,
  options: { pixel?: string; seen?: Map<string, string> } = {},
): string {
  const seen = options.seen ?? new Map<string, string>();
  const document = parse(html, { sourceCodeLocationInfo: true });
  const edits: Array<{ start: number; end: number; text: string }> = [];
  let bodyEnd: number | undefined;
  for (const element of elements(document)) {
    if (element.tagName === 'body') bodyEnd = element.sourceCodeLocation?.endTag?.startOffset;
    if (element.tagName !== 'a' && element.tagName !== 'area') continue;
    const href = element.attrs.find((a) => a.name === 'href');
    const location = element.sourceCodeLocation?.attrs?.href;
    if (!href || !location) continue;
    const sent = decorateOne(href.value, decoration, seen);
    if (sent === undefined) continue;
    edits.push({
      start: location.startOffset,
      end: location.endOffset,
      text: `href="${escapeAttribute(sent)}"`,
    });
  }
  if (options.pixel) {
    const at = bodyEnd ?? html.length;
    edits.push({
      start: at,
      end: at,
      text: `<img src="${escapeAttribute(options.pixel)}" width="1" height="1" alt="" style="display:block;width:1px;height:1px;border:0" />`,
    });
  }
  // Spliced from the end, so earlier offsets stay valid.
  let out = html;
  for (const edit of edits.sort((a, b) => b.start - a.start))
    out = out.slice(0, edit.start) + edit.text + out.slice(edit.end);
  return out;
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

/**
 * HTML to text for HTML that is the same for every recipient but for a few links (the
 * footer: company name and address from the configuration, and the recipient's own
 * unsubscribe link), converted once per shape instead of once per message.
 *
 * Each link is put aside: the HTML is converted with a stand-in of the same length in its
 * place (no whitespace, nothing HTML escapes), and the link is put back into the text. A link
 * is one word to the converter, so a stand-in of its length wraps the lines exactly as the
 * link would: the text is the one a conversion of the real HTML gives. Anything that could
 * break that (a link with characters HTML escapes or whitespace, a link shorter than a
 * stand-in, a stand-in the converter changed, say upper-cased in a heading) is converted
 * directly, as before.
 *
 * Why: html-to-text costs about 50 µs a call even for a footer of five elements (its
 * whitespace rules and selector picker are set up per call), and the delivery worker converted
 * a footer, or the whole email with it, for every message.
 */
export function linksAsideText(
  convert: (html: string) => string,
  maxShapes = 200,
): (html: string, links: readonly string[]) => string {
  const byShape = new Map<string, string | null>();
  return (html, links) => {
    const distinct = [...new Set(links)].sort((a, b) => b.length - a.length);
    if (distinct.length === 0 || !distinct.every(isPlainLink) || html.includes(STAND_IN)) {
      return convert(html);
    }
    const standIns = distinct.map((link, i) => standIn(i, link.length));
    let shape = html;
    distinct.forEach((link, i) => (shape = shape.replaceAll(link, standIns[i])));
    let text = byShape.get(shape);
    if (text === undefined) {
      const converted = convert(shape);
      text = standInsIntact(converted, standIns) ? converted : null;
      if (byShape.size >= maxShapes) byShape.delete(byShape.keys().next().value!);
      byShape.set(shape, text);
    }
    if (text === null) return convert(html);
    distinct.forEach((link, i) => (text = text!.replaceAll(standIns[i], link)));
    return text;
  };
}

const STAND_IN = 'linkasidestandin';

/** The i-th stand-in, as long as the link it stands for. */
const standIn = (i: number, length: number) => `${STAND_IN}${i}`.padEnd(length, 'x');

/**
 * A link that converts as one word and that HTML does not escape: no whitespace, none of
 * `& < > " ' \` =`, and long enough for a stand-in (`linkasidestandin` and a number).
 */
function isPlainLink(link: string): boolean {
  return link.length >= STAND_IN.length + 3 && /^[A-Za-z0-9:/._~%?#@!$()*+,;[\]-]+$/.test(link);
}

/** Every stand-in still there, none changed (upper-cased, cut): the text maps back exactly. */
function standInsIntact(text: string, standIns: readonly string[]): boolean {
  const anyCase = text.match(new RegExp(STAND_IN, 'gi'))?.length ?? 0;
  const exact = standIns.reduce((n, s) => n + text.split(s).length - 1, 0);
  return anyCase === exact && standIns.every((s) => text.includes(s));
}

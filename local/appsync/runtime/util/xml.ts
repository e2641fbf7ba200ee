/**
 * `util.xml`: XML documents to maps, as AppSync does (org.json `XML.toJSONObject` conventions): the root element
 * becomes a key; child elements become keys, repeated ones arrays; attributes become keys; text of an element with
 * attributes or children goes under `content`; text that reads as a number, boolean or `null` is converted.
 * The parser handles elements, attributes, text, CDATA, comments, processing instructions, a DOCTYPE without an
 * internal subset, and the predefined and numeric entities.
 */
import { UtilArgumentError } from './errors.js';

interface XmlElement {
  readonly name: string;
  readonly attributes: [string, string][];
  readonly children: (XmlElement | string)[];
}

const PREDEFINED_ENTITIES: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9A-Fa-f]+|#[0-9]+|[A-Za-z]+);/g, (whole, entity: string) => {
    if (entity.startsWith('#x')) return String.fromCodePoint(Number.parseInt(entity.slice(2), 16));
    if (entity.startsWith('#')) return String.fromCodePoint(Number.parseInt(entity.slice(1), 10));
    return PREDEFINED_ENTITIES[entity] ?? whole;
  });
}

const NAME = /^[A-Za-z_:][\w.:-]*/;

class XmlParser {
  private i = 0;

  constructor(private readonly text: string, private readonly functionName: string) {}

  private fail(problem: string): never {
    throw new UtilArgumentError(this.functionName, `malformed XML at offset ${this.i}: ${problem}`);
  }

  parseDocument(): XmlElement {
    this.skipMisc();
    if (!this.text.startsWith('<', this.i)) this.fail('expected the root element');
    const root = this.parseElement();
    this.skipMisc();
    if (this.i < this.text.length) this.fail('content after the root element');
    return root;
  }

  /** Skips whitespace, comments, processing instructions and a DOCTYPE. */
  private skipMisc(): void {
    for (;;) {
      while (/\s/.test(this.text.charAt(this.i))) this.i += 1;
      if (this.text.startsWith('<?', this.i)) this.skipPast('?>');
      else if (this.text.startsWith('<!--', this.i)) this.skipPast('-->');
      else if (this.text.startsWith('<!DOCTYPE', this.i)) this.skipPast('>');
      else return;
    }
  }

  private skipPast(terminator: string): string {
    const end = this.text.indexOf(terminator, this.i);
    if (end === -1) this.fail(`missing ${terminator}`);
    const skipped = this.text.slice(this.i, end);
    this.i = end + terminator.length;
    return skipped;
  }

  private readName(): string {
    const name = NAME.exec(this.text.slice(this.i))?.[0];
    if (name === undefined) this.fail('expected a name');
    this.i += name.length;
    return name;
  }

  private parseElement(): XmlElement {
    this.i += 1;
    const name = this.readName();
    const attributes: [string, string][] = [];
    for (;;) {
      while (/\s/.test(this.text.charAt(this.i))) this.i += 1;
      if (this.text.startsWith('/>', this.i)) {
        this.i += 2;
        return { name, attributes, children: [] };
      }
      if (this.text.charAt(this.i) === '>') {
        this.i += 1;
        break;
      }
      const attribute = this.readName();
      while (/\s/.test(this.text.charAt(this.i))) this.i += 1;
      if (this.text.charAt(this.i) !== '=') this.fail(`expected = after attribute ${attribute}`);
      this.i += 1;
      while (/\s/.test(this.text.charAt(this.i))) this.i += 1;
      const quote = this.text.charAt(this.i);
      if (quote !== '"' && quote !== "'") this.fail('expected a quoted attribute value');
      this.i += 1;
      attributes.push([attribute, decodeEntities(this.skipPast(quote))]);
    }
    const children: (XmlElement | string)[] = [];
    for (;;) {
      if (this.i >= this.text.length) this.fail(`unclosed element <${name}>`);
      if (this.text.startsWith('</', this.i)) {
        this.i += 2;
        const closing = this.readName();
        if (closing !== name) this.fail(`</${closing}> closes <${name}>`);
        while (/\s/.test(this.text.charAt(this.i))) this.i += 1;
        if (this.text.charAt(this.i) !== '>') this.fail('expected >');
        this.i += 1;
        return { name, attributes, children };
      }
      if (this.text.startsWith('<![CDATA[', this.i)) {
        this.i += 9;
        children.push(this.skipPast(']]>'));
      } else if (this.text.startsWith('<!--', this.i)) {
        this.skipPast('-->');
      } else if (this.text.startsWith('<?', this.i)) {
        this.skipPast('?>');
      } else if (this.text.charAt(this.i) === '<') {
        children.push(this.parseElement());
      } else {
        const end = this.text.indexOf('<', this.i);
        const raw = this.text.slice(this.i, end === -1 ? undefined : end);
        this.i += raw.length;
        children.push(decodeEntities(raw));
      }
    }
  }
}

/** Text to a JSON value the way org.json's `XML.stringToValue` does. */
function textValue(text: string): unknown {
  if (/^true$/i.test(text)) return true;
  if (/^false$/i.test(text)) return false;
  if (/^null$/i.test(text)) return null;
  if (/^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/.test(text)) {
    const number = Number(text);
    if (Number.isFinite(number)) return number;
  }
  return text;
}

function elementValue(element: XmlElement): unknown {
  const text = element.children
    .filter((child): child is string => typeof child === 'string')
    .map((child) => child.trim())
    .join('');
  const elements = element.children.filter((child): child is XmlElement => typeof child !== 'string');
  if (element.attributes.length === 0 && elements.length === 0) return textValue(text);
  const out: Record<string, unknown> = {};
  const add = (key: string, value: unknown): void => {
    const existing = out[key];
    if (existing === undefined) out[key] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else out[key] = [existing, value];
  };
  for (const [name, value] of element.attributes) add(name, textValue(value));
  for (const child of elements) add(child.name, elementValue(child));
  if (text !== '') add('content', textValue(text));
  return out;
}

/** `util.xml.toMap`: the document as a map keyed by its root element; null for null or empty input. */
export function xmlToMap(xml: unknown, functionName = 'util.xml.toMap'): Record<string, unknown> | null {
  if (xml == null || xml === '') return null;
  if (typeof xml !== 'string') throw new UtilArgumentError(functionName, 'the XML must be a string');
  const root = new XmlParser(xml, functionName).parseDocument();
  return { [root.name]: elementValue(root) };
}

/** The `util.xml` object. */
export const xmlUtils = {
  toMap: (xml: string): Record<string, unknown> | null => xmlToMap(xml),
  /** The map as JSON text; with `stringEncode`, that text encoded once more as a JSON string. */
  toJsonString: (xml: string, stringEncode?: boolean): string => {
    const json = JSON.stringify(xmlToMap(xml, 'util.xml.toJsonString'));
    return stringEncode === true ? JSON.stringify(json) : json;
  },
};

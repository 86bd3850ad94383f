import { XMLParser } from 'fast-xml-parser';
import { BusinessError } from '../../runner/errors.ts';

/**
 * A parsed XML element with namespace prefixes removed. Every child element is an array (even
 * when it occurs once), attributes start with `@`, text is under `#text`, and a leaf without
 * attributes is its text. Uniform arrays keep the UBL/CII paths free of single-vs-many cases.
 */
export type XmlNode = { [name: string]: XmlValue[] | string | undefined } | string;
type XmlValue = XmlNode;

// A DOCTYPE is the only way to declare entities or point at external DTDs; XInclude is the other
// way an XML file can pull in outside content. E-invoices need neither, so refusing them outright
// closes entity expansion bombs and external entity (XXE) reads before the parser sees the text.
const UNSAFE_MARKERS: Array<[RegExp, string]> = [
  [/<!DOCTYPE/i, 'a DOCTYPE'],
  [/<!ENTITY/i, 'an entity declaration'],
  [/<!\[\s*(INCLUDE|IGNORE)\b/i, 'a conditional DTD section'],
  [/http:\/\/www\.w3\.org\/2001\/XInclude/i, 'an XInclude reference'],
];

/** Throws BusinessError('XML_UNSAFE') when the text declares entities or external references. */
export function assertSafeXml(text: string, fileName: string): void {
  for (const [pattern, what] of UNSAFE_MARKERS) {
    if (pattern.test(text)) {
      throw new BusinessError(
        'XML_UNSAFE',
        `${fileName}: XML refused because it contains ${what}`,
        {
          details: { file: fileName },
        },
      );
    }
  }
}

/** Decodes bytes as UTF-8 (what every EN 16931 syntax mandates), dropping a byte-order mark. */
export function decodeXml(bytes: Uint8Array): string {
  return new TextDecoder('utf-8').decode(bytes).replace(/^\uFEFF/, '');
}

/** Checks safety first, then parses; the root element is returned with its local name. */
export function parseXml(text: string, fileName: string): { rootName: string; root: XmlNode } {
  assertSafeXml(text, fileName);
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@',
    removeNSPrefix: true,
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: true,
    processEntities: true,
    isArray: (_name, _path, _leaf, isAttribute) => !isAttribute,
  });
  let doc: Record<string, unknown>;
  try {
    doc = parser.parse(text, true) as Record<string, unknown>;
  } catch (error) {
    throw new BusinessError('XML_INVALID', `${fileName}: XML is not well-formed`, {
      cause: error,
      details: { file: fileName },
    });
  }
  const rootName = Object.keys(doc).find((k) => !k.startsWith('?') && !k.startsWith('@'));
  const root = rootName ? (doc[rootName] as XmlNode[])[0] : undefined;
  if (!rootName || root === undefined) {
    throw new BusinessError('XML_INVALID', `${fileName}: XML has no root element`);
  }
  return { rootName, root };
}

/** All elements reached by a slash-separated path of local names, in document order. */
export function select(node: XmlNode | undefined, path: string): XmlNode[] {
  let current: XmlNode[] = node === undefined ? [] : [node];
  for (const name of path.split('/')) {
    current = current.flatMap((n) => {
      if (typeof n === 'string') return [];
      const child = n[name];
      return Array.isArray(child) ? child : [];
    });
  }
  return current;
}

export function selectFirst(node: XmlNode | undefined, path: string): XmlNode | undefined {
  return select(node, path)[0];
}

/** Text content of an element (trimmed), or undefined when absent or empty. */
export function textOf(node: XmlNode | undefined): string | undefined {
  if (node === undefined) return undefined;
  const raw = typeof node === 'string' ? node : node['#text'];
  const text = typeof raw === 'string' ? raw.trim() : Array.isArray(raw) ? String(raw[0]) : '';
  return text === '' ? undefined : text;
}

export function attrOf(node: XmlNode | undefined, name: string): string | undefined {
  if (node === undefined || typeof node === 'string') return undefined;
  const value = node[`@${name}`];
  return typeof value === 'string' ? value : undefined;
}

/** The text of the first path (tried in order) that has a value. */
export function firstText(node: XmlNode | undefined, ...paths: string[]): string | undefined {
  for (const path of paths) {
    for (const hit of select(node, path)) {
      const text = textOf(hit);
      if (text !== undefined) return text;
    }
  }
  return undefined;
}

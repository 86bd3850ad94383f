import type { DocumentKind } from '../../runner/invoice.ts';
import { BusinessError } from '../../runner/errors.ts';
import { readCii } from './cii-reader.ts';
import type { PlainFields } from './field-values.ts';
import { readUbl } from './ubl-reader.ts';
import { decodeXml, parseXml } from './xml-tree.ts';

export interface EInvoice {
  syntax: 'ubl' | 'cii';
  kind: DocumentKind;
  fields: PlainFields;
}

/**
 * Reads an EN 16931 e-invoice exactly: UBL 2.1 Invoice / CreditNote, CII D16B or ZUGFeRD 1.0.
 * Throws XML_UNSAFE (DOCTYPE, entities, XInclude) before parsing and XML_INVALID for anything
 * that parses but is not one of these documents.
 */
export function readEInvoice(bytes: Uint8Array, fileName: string): EInvoice {
  const { rootName, root } = parseXml(decodeXml(bytes), fileName);
  if (rootName === 'Invoice' || rootName === 'CreditNote') {
    return { syntax: 'ubl', ...readUbl(root, rootName) };
  }
  if (rootName === 'CrossIndustryInvoice' || rootName === 'CrossIndustryDocument') {
    return { syntax: 'cii', ...readCii(root, rootName) };
  }
  throw new BusinessError(
    'XML_INVALID',
    `${fileName}: XML root <${rootName}> is not a UBL or CII invoice`,
    { details: { file: fileName, rootName } },
  );
}

import type { Hit, PagedLine } from './label-search.ts';
import { BUYER_CONTEXT } from './text-labels.ts';

const VAT_NEAR = /\b(?:ust\.?-?id|vat\s*(?:id|no|reg)|tva|btw|p\.?\s?iva|nif|uid)\b/i;

const SELLER_BLOCK =
  /^(?:verkäufer|seller|supplier|vendeur|fournisseur|vendedor|fornitore|leverancier)\b:?$/i;
const BUYER_BLOCK =
  /^(?:käufer(?:\/leistungsempfänger)?|rechnungsempfänger|rechnung\s+an|facturé\s+à|factur[ée]\s+a|fatturare\s+a|intestatario|factuur\s+aan|facturar\s+a|buyer|bill\s+to|billed\s+to|invoice\s+to|client|acheteur|comprador|cliente|klant)\s*:?$/i;
const INLINE_SELLER =
  /^(?:sold\s+by|firmenname|raison\s+sociale|razón\s+social|ragione\s+sociale)\s*:?\s*(.+)$/i;
const INLINE_BUYER = /^(?:attn|bill\s+to|kunde|client|cliente)\s*:\s*(.+)$/i;
const SKIP_IN_BLOCK = /^(?:nummer|number|globale|global|kennung|id|gln|n°)\b/i;
const LEGAL_FORM =
  /\b(?:GmbH|AG|SARL|SAS|SA|S\.A\.|Ltd\.?|Limited|Inc\.?|B\.V\.|N\.V\.|S\.L\.|S\.p\.A\.|S\.r\.l\.|Srl|LLC|KG|OHG|UG|mbH|a\.G\.|e\.K\.|SDN\.?\s*BHD\.?|Sdn\.?\s*Bhd\.?|BHD|PTE\.?\s+LTD|Pte\.?\s+Ltd|LTD|LIMITED|TRADING|ENTERPRISE|RESTAURANT|RESTORAN)(?=$|[\s,.])/;

/** Seller and buyer names: from labelled blocks first, a company-looking line second. */
export function readParties(lines: PagedLine[]): Record<string, Hit | undefined> {
  return {
    seller_name:
      inlineName(lines, INLINE_SELLER) ?? blockName(lines, SELLER_BLOCK) ?? legalName(lines),
    buyer_name: blockName(lines, BUYER_BLOCK) ?? inlineName(lines, INLINE_BUYER),
  };
}

function clean(name: string): string {
  return name
    .replace(/^name\s*:\s*/i, '')
    .replace(/[,;:]+$/, '')
    .trim();
}

function inlineName(lines: PagedLine[], pattern: RegExp): Hit | undefined {
  for (const line of lines) {
    for (const cell of line.cells) {
      const name = pattern.exec(cell)?.[1];
      if (name && /[A-Za-z]{2}/.test(name)) {
        return { value: clean(name), confidence: 0.7, page: line.page };
      }
    }
  }
  return undefined;
}

// "Verkäufer" then "Nummer: ..." then "Name: Lieferant GmbH": the first line of the block
// that is not an identifier is the name; a "Name:" line beats it.
function blockName(lines: PagedLine[], header: RegExp): Hit | undefined {
  for (const [i, line] of lines.entries()) {
    const c = line.cells.findIndex((cell) => header.test(cell));
    if (c < 0) continue;
    const x = line.cellX[c] ?? 0;
    for (const next of lines.slice(i + 1, i + 6)) {
      if (next.page !== line.page) break;
      const k = next.cells.findIndex((cell) => /^name\s*:/i.test(cell));
      const value = k < 0 ? '' : clean(next.cells[k] ?? '') || clean(next.cells[k + 1] ?? '');
      if (value) return { value, confidence: 0.75, page: line.page };
    }
    const candidate = lines
      .slice(i + 1, i + 4)
      .flatMap((l) => l.cells.map((cell, k) => ({ cell, x: l.cellX[k] ?? 0 })))
      .find(
        (e) => Math.abs(e.x - x) < 80 && !SKIP_IN_BLOCK.test(e.cell) && /[A-Za-z]{2}/.test(e.cell),
      );
    if (candidate) return { value: clean(candidate.cell), confidence: 0.6, page: line.page };
  }
  return undefined;
}

function legalName(lines: PagedLine[]): Hit | undefined {
  for (const [i, line] of lines.slice(0, 40).entries()) {
    for (const cell of line.cells) {
      if (!LEGAL_FORM.test(cell) || cell.length > 80) continue;
      const name = clean(nameUpToLegalForm(cell));
      return { value: name, confidence: legalNameConfidence(lines, i, name), page: line.page };
    }
  }
  const first = lines[0];
  return first
    ? { value: clean(first.cells[0] ?? ''), confidence: 0.3, page: first.page }
    : undefined;
}

/**
 * The name in a letterhead cell: the part (of "Name · Street · Town") that holds the legal
 * form, without a registration number printed behind it ("SDN BHD (139386 X)") goes.
 * A cell whose first part already holds it ("CT281 - TEALIVE ... ENTERPRISE") stays whole.
 */
function nameUpToLegalForm(cell: string): string {
  const parts = cell.split(/\s[●|·*]\s|\s[-–]\s(?=.*\d{3})/);
  const part = parts.find((p) => LEGAL_FORM.test(p)) ?? cell;
  return part.replace(/\s*\((?=[^)]*\d{4})[\dA-Z -]+\)\s*$/, '');
}

/**
 * A company-looking line is only a guess at the seller; each independent sign raises it: it
 * heads the first page (letterheads do), a VAT id label follows within a few lines (the
 * seller's address block), and the name is printed again elsewhere (the footer).
 */
function legalNameConfidence(lines: PagedLine[], index: number, name: string): number {
  const line = lines[index]!;
  let confidence = 0.45;
  if (line.page === 1 && index < 3) confidence += 0.15;
  const block = lines.slice(index + 1, index + 6).filter((l) => l.page === line.page);
  if (block.some((l) => VAT_NEAR.test(l.text) && !BUYER_CONTEXT.test(l.text))) confidence += 0.15;
  const again = lines.some(
    (l, k) => k !== index && l.cells.some((c) => c !== name && c.startsWith(name)),
  );
  if (again) confidence += 0.1;
  return confidence;
}

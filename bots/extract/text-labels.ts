/**
 * Field labels in English, German, French, Spanish, Italian and Dutch. Each regex must match
 * at the start of a cell (the caller anchors it); lists run from the most to the least specific
 * label, and the first label that yields a parsable value wins.
 */
export interface LabelSet {
  labels: RegExp[];
  /** Confidence of a value found after the first label; later labels lose a little. */
  confidence: number;
  /**
   * Labels from this rank on take their value from the same line only: generic words such
   * as "Total" also head table columns, whose first row is not the document total.
   */
  lookBelowRanks?: number;
}

const NO = String.raw`(?:n[°ºo]\.?|nr\.?|no\.?|number|nummer|num[eé]ro|#)`;

export const INVOICE_NUMBER_PATTERNS: RegExp[] = [
  new RegExp(
    String.raw`(?:[a-zäöü]*rechnung|invoice|facture|factura|fattura|factuur|avoir|gutschrift|credit\s?note)(?:s?-?nr\.?|s?nummer|number|no\.)?(?![a-zäöüé])\)?\s*(?:\([^)]{0,40}\)\s*)*(?:${NO}(?![a-z]))?[\s:#.]*([A-Z0-9][\w\-/.|]*)`,
    'i',
  ),
  new RegExp(
    String.raw`(?:${NO}|numero|número)\s*(?:de\s+)?(?:la\s+)?(?:facture|factura|fattura|factuur|invoice|rechnung)[\s:#]*([A-Z0-9][\w\-/.|]*)`,
    'i',
  ),
  /^#\s*([A-Z0-9][\w\-/.|]*)/i,
];

export const ISSUE_DATE: LabelSet = {
  labels: [
    /invoice\s+date|date\s+of\s+issue|issue\s+date|date\s+issued/i,
    /rechnungsdatum|belegdatum|ausstellungsdatum/i,
    /date\s+de\s+(?:la\s+)?facture(?!\s+associ)|date\s+d'émission|date\s+facture/i,
    /fecha\s+de\s+(?:la\s+)?factura|fecha\s+de\s+emisi[oó]n/i,
    /data\s+(?:della\s+)?fattura|data\s+documento|data\s+emissione/i,
    /factuurdatum/i,
    /(?:date|datum|fecha|data)\s*:/i,
    /date\b|datum\b|fecha\b/i,
  ],
  confidence: 0.85,
};

export const DUE_DATE: LabelSet = {
  labels: [
    /due\s+date|payment\s+due|date\s+due|due\s+on|please\s+remit\s+until|payable\s+(?:by|until)/i,
    /fälligkeitsdatum|fälligkeitstag|fällig\s+am|zahlungsziel|zahlbar\s+bis|fälligkeit/i,
    /date\s+d'échéance|échéance|date\s+limite\s+de\s+paiement/i,
    /fecha\s+de\s+vencimiento|vencimiento/i,
    /data\s+(?:di\s+)?scadenza|scadenza/i,
    /vervaldatum|uiterste\s+betaaldatum/i,
  ],
  confidence: 0.8,
};

export const GROSS_TOTAL: LabelSet = {
  labels: [
    /gesamtsumme\s+brutto|bruttosumme|rechnungsbetrag|gesamtbetrag(?!\s+der)|endbetrag/i,
    /total\s+ttc|montant\s+ttc|total\s+facture|montant\s+total/i,
    /grand\s+total|invoice\s+total|total\s+for\s+this\s+invoice|total\s+amount(?:\s+due)?|total\s+rounded|rounded\s+total|total\s+sales\s+\(?incl|total\s+\(?incl(?!udes)/i,
    /importe\s+total|total\s+factura|totale\s+(?:fattura|documento)|totaal\s+incl|te\s+betalen/i,
    /totaal|total(?:e)?(?!\s*\(?(?:includ\w*|gst|tax|vat|sales|excl\w*|qty|items?|discount|savings|rounding)\b)(?:\s+(?:eur|usd|gbp|chf|inr|rm))?\s*:?(?=\s|$)|summe\b|gesamt\b/i,
    /due\s+payable|amount\s+due|balance\s+due|zahlbetrag|somme\s+à\s+payer|net\s+[àa]\s+payer/i,
  ],
  confidence: 0.85,
  lookBelowRanks: 4,
};

export const NET_TOTAL: LabelSet = {
  labels: [
    /gesamtsumme\s+netto|rechnungssumme\s+ohne\s+ust|nettobetrag\s+gesamt|summe\s+netto|nettosumme/i,
    /total\s+ht|montant\s+(?:eur\s+)?ht|total\s+hors\s+tax/i,
    /net\s+total|total\s+net|total\s+excl|subtotal\s+excl|exclusief\s+btw|totaal\s+excl/i,
    /base\s+imponible|imponibile|totale\s+imponibile|subtotal|sub-total|zwischensumme/i,
    /nettobetrag|netto(?:summe)?\b|totaal\s+netto|net(?:\s+amount)?(?=\s*(?:eur|usd|gbp|chf)?\s*:?\s*(?: {2}|$))/i,
  ],
  confidence: 0.75,
};

export const TAX_TOTAL: LabelSet = {
  labels: [
    /summe\s+umsatzsteuer|steuerbetrag|mwst\.?-?betrag|umsatzsteuer\s+gesamt/i,
    /total\s+(?:des\s+)?taxes|total\s+tva|montant\s+tva/i,
    /tax\s+total|vat\s+total|total\s+(?:vat|tax|gst)|sales\s+tax|total\s+includes\s+\d+(?:[.,]\d+)?\s*%\s*gst|gst\s+(?:amount|payable)/i,
    /totale\s+iva|total\s+iva|btw\s+totaal/i,
    /(?:tax|vat|tva|btw|iva|mwst|ust|gst)\b\.?(?!\s*(?:id|no|nr|number|reg|#|-?nummer|-?id|intra))(?:\s*\(?\d+[.,]?\d*\s*%\)?)?\s*(?:\*|:|$|\s)/i,
  ],
  confidence: 0.75,
};

export const ORDER_REFERENCE: LabelSet = {
  labels: [
    /purchase\s+order(?:\s+(?:no|number))?|po\s+(?:number|no\.?|#)|your\s+order|order\s+(?:id|number|no\.?)/i,
    /bestellnummer|bestellnr\.?|bestellung(?:\s+nr\.?)?|ihre\s+bestellung/i,
    /n°\s+(?:de\s+)?bon\s+de\s+commande|bon\s+de\s+commande|n°\s+de\s+commande/i,
    /n[uú]mero\s+de\s+pedido|pedido|ordine\s+n|numero\s+ordine/i,
    /ordernummer|bestelnummer|inkoopordernummer/i,
    /po\b\.?(?!\s*box)/i,
  ],
  confidence: 0.75,
};

export const SELLER_NAME: LabelSet = {
  labels: [/sold\s+by|seller|verkäufer|vendeur|fournisseur|vendedor|fornitore|leverancier/i],
  confidence: 0.6,
};

export const BUYER_NAME: LabelSet = {
  labels: [
    /bill\s+to|billed\s+to|invoice\s+to|attn|customer|sold\s+to/i,
    /käufer|rechnungsempfänger|kunde\b/i,
    /client|facturé\s+à|destinataire/i,
    /cliente|facturar\s+a|klant/i,
  ],
  confidence: 0.55,
};

export const VAT_LABEL =
  /(?:ust\.?-?\s?id\.?-?\s?(?:nr\.?)?|ustid(?:nr)?|vat(?:\s*(?:id|reg(?:istration)?|no\.?|number|#))*|tva(?:\s+intra(?:communautaire)?)?|n°\s*tva(?:\s+intra)?|btw(?:-?nummer)?|iva|p\.?\s?iva|nif|vat\/tin|gstin|gst\s+id|steuernummer)\s*[:.#]?\s*/i;

/** Cells that mark the buyer's block: ids read there are not the seller's. */
export const BUYER_CONTEXT = /client|customer|käufer|kunde|acheteur|buyer|klant|cliente/i;

export const KIND_KEYWORDS: Array<[RegExp, 'credit-note' | 'reminder' | 'remittance-advice']> = [
  [
    /credit\s?note|gutschrift|avoir\b|note\s+de\s+cr[ée]dit|creditnota|creditfactuur|nota\s+de\s+cr[eé]dito|nota\s+di\s+credito/i,
    'credit-note',
  ],
  [
    /payment\s+reminder|reminder\s+notice|overdue\s+notice|mahnung|zahlungserinnerung|relance|rappel\s+de\s+paiement|sollecito|herinnering|aanmaning|recordatorio\s+de\s+pago|requerimiento\s+de\s+pago/i,
    'reminder',
  ],
  [
    /remittance\s+advice|remittance|zahlungsavis|avis\s+de\s+(?:paiement|virement)|aviso\s+de\s+(?:pago|transferencia)|avviso\s+di\s+pagamento|betalingsadvies|betaaladvies/i,
    'remittance-advice',
  ],
];

export const INVOICE_KEYWORDS =
  /invoice|rechnung|facture|factura|fattura|factuur|receipt|quittung|reçu|ricevuta|bon\b/i;

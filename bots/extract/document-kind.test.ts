import { describe, expect, it } from 'vitest';
import { documentKindOfText } from './text-fields.ts';

const CASES: Array<[string, string]> = [
  ['Invoice No. 123 Total 10.00', 'invoice'],
  ['Rechnung Nr. 123', 'invoice'],
  ['Facture n° 123', 'invoice'],
  ['Factura número 123', 'invoice'],
  ['Fattura n. 123', 'invoice'],
  ['Factuur nummer 123', 'invoice'],
  ['CREDIT NOTE CN-1 against invoice 123', 'credit-note'],
  ['Gutschrift Nr. 55 zur Rechnung 123', 'credit-note'],
  ['Avoir n° AV-12 sur facture 123', 'credit-note'],
  ['Nota de crédito 77', 'credit-note'],
  ['Nota di credito 77', 'credit-note'],
  ['Creditnota 77 bij factuur 123', 'credit-note'],
  ['Payment reminder: invoice 123 is overdue', 'reminder'],
  ['1. Mahnung zur Rechnung 123', 'reminder'],
  ['Zahlungserinnerung Rechnung 123', 'reminder'],
  ['Relance : facture 123 impayée', 'reminder'],
  ['Recordatorio de pago factura 123', 'reminder'],
  ['Sollecito di pagamento fattura 123', 'reminder'],
  ['Betalingsherinnering factuur 123', 'reminder'],
  ['Remittance advice: we paid invoice 123', 'remittance-advice'],
  ['Zahlungsavis zu Rechnung 123', 'remittance-advice'],
  ['Avis de paiement facture 123', 'remittance-advice'],
  ['Aviso de pago factura 123', 'remittance-advice'],
  ['Avviso di pagamento fattura 123', 'remittance-advice'],
  ['Betalingsadvies factuur 123', 'remittance-advice'],
  ['Lieferschein 4711 Packliste', 'other'],
  ['Meeting notes for Tuesday', 'other'],
];

describe('document kind from text, in six languages', () => {
  it.each(CASES)('%s -> %s', (text, kind) => {
    expect(documentKindOfText(text)).toBe(kind);
  });
});

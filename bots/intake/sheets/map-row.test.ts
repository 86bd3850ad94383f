import { describe, expect, it } from 'vitest';
import { mapRows, readAmount, readDate } from './map-row.ts';
import { chooseSheetMapping, type SheetMapping } from './sheet-mapping.ts';

const mapping: SheetMapping = {
  name: 'test',
  match: { fileName: '\\.csv$' },
  headerRow: 2,
  isDecimalComma: true,
  dateFormat: 'DD.MM.YYYY',
  columns: { invoice_number: 'No', issue_date: 'Date', gross_total: 'Gross', currency: 'Cur' },
  constants: { currency: 'EUR', seller_name: 'ACME' },
};

describe('readAmount and readDate', () => {
  it('reads decimal comma, thousands separators, currency signs and XLSX numbers', () => {
    expect(readAmount('1.234,5', true)).toBe('1234.50');
    expect(readAmount("1'234,56 €", true)).toBe('1234.56');
    expect(readAmount('EUR 1,234.56', false)).toBe('1234.56');
    expect(readAmount('-12', false)).toBe('-12.00');
    expect(readAmount(0.1 + 0.2, false)).toBe('0.30');
    expect(readAmount('12,34,5', true)).toBeUndefined();
  });

  it('reads each date format, Excel serials, and refuses dates that do not exist', () => {
    expect(readDate('01.03.2024', 'DD.MM.YYYY')).toBe('2024-03-01');
    expect(readDate('03/01/2024', 'MM/DD/YYYY')).toBe('2024-03-01');
    expect(readDate('2024-3-1', 'YYYY-MM-DD')).toBe('2024-03-01');
    expect(readDate(45352, 'DD.MM.YYYY')).toBe('2024-03-01');
    expect(readDate('31.02.2024', 'DD.MM.YYYY')).toBeUndefined();
    expect(readDate('2024-03-01', 'DD.MM.YYYY')).toBeUndefined();
  });
});

describe('mapRows', () => {
  it('maps by header title below the header row, skips blank rows and names each problem', () => {
    const rows = [
      ['Export of 2024-03'],
      ['no', ' DATE ', 'Gross'],
      ['A-1', '01.03.2024', '10,00'],
      ['', '', ''],
      ['A-2', '', 'ten'],
    ];
    expect(mapRows(rows, mapping)).toEqual([
      {
        rowNumber: 3,
        fields: {
          invoice_number: 'A-1',
          issue_date: '2024-03-01',
          gross_total: '10.00',
          currency: 'EUR',
          seller_name: 'ACME',
        },
        problems: ['currency: column "Cur" is not in the header row'],
      },
      {
        rowNumber: 5,
        fields: { invoice_number: 'A-2', currency: 'EUR', seller_name: 'ACME' },
        problems: [
          'issue_date: cell is empty',
          'gross_total: "ten" cannot be read',
          'currency: column "Cur" is not in the header row',
        ],
      },
    ]);
  });

  it('chooses a mapping only when every criterion holds', () => {
    const bySender: SheetMapping = {
      ...mapping,
      name: 'acme',
      match: { from: ['*@acme.example'], fileName: 'list' },
    };
    const mappings = [bySender, mapping];
    expect(
      chooseSheetMapping(mappings, { from: 'ap@acme.example', fileName: 'list.csv' })?.name,
    ).toBe('acme');
    expect(
      chooseSheetMapping(mappings, { from: 'ap@other.example', fileName: 'list.csv' })?.name,
    ).toBe('test');
    expect(chooseSheetMapping(mappings, { fileName: 'list.xlsx' })).toBeUndefined();
  });
});

import type { InvoiceFields } from '../../runner/invoice.ts';
import {
  type CheckResult,
  describeInvoice,
  hold,
  pass,
  type ValidationInput,
  type VendorRecord,
} from './check-result.ts';
import { normalizeSellerName, normalizeVatId } from './duplicate-key.ts';
import { capitalise } from './required-fields.ts';

export interface VendorMatch {
  vendor: VendorRecord;
  by: 'vat-id' | 'name';
}

/** The master entry of the seller: by VAT id first, else by name or alias. */
export function findVendor(
  fields: InvoiceFields,
  vendors: readonly VendorRecord[],
): VendorMatch | null {
  const vat = fields.seller_vat_id?.value;
  if (vat) {
    const wanted = normalizeVatId(vat);
    const byVat = vendors.find((v) => v.vatId && normalizeVatId(v.vatId) === wanted);
    if (byVat) return { vendor: byVat, by: 'vat-id' };
  }
  const name = fields.seller_name?.value;
  if (!name) return null;
  const wanted = normalizeSellerName(name);
  const byName = vendors.find((v) =>
    [v.name, ...(v.aliases ?? [])].some((n) => normalizeSellerName(n) === wanted),
  );
  return byName ? { vendor: byName, by: 'name' } : null;
}

/**
 * V2: VENDOR_UNKNOWN when the seller is not in the master, VENDOR_BLOCKED when it is blocked,
 * VAT_ID_MISMATCH when the name matches a vendor whose VAT id on file differs from the printed one
 * (a look-alike seller, or a misread id). Skipped when no master is given.
 */
export function checkVendorMaster(input: ValidationInput): CheckResult | null {
  if (!input.vendors) return null;
  const fields = input.extraction.fields;
  const found = findVendor(fields, input.vendors);
  const name = describeInvoice(input);
  if (!found) {
    return hold(
      'vendor-master',
      'VENDOR_UNKNOWN',
      `${capitalise(name)}: seller "${fields.seller_name?.value ?? ''}" (VAT id ${fields.seller_vat_id?.value ?? 'none'}) is not in the vendor master.`,
      {
        sellerName: fields.seller_name?.value,
        sellerVatId: fields.seller_vat_id?.value,
        vendorsCompared: input.vendors.length,
      },
    );
  }
  const { vendor, by } = found;
  const evidence = { vendorId: vendor.id, vendorName: vendor.name, matchedBy: by };
  if (vendor.status === 'blocked') {
    return hold(
      'vendor-master',
      'VENDOR_BLOCKED',
      `${capitalise(name)}: vendor ${vendor.id} (${vendor.name}) is blocked${vendor.blockedReason ? `: ${vendor.blockedReason}` : ''}.`,
      { ...evidence, blockedReason: vendor.blockedReason },
    );
  }
  const printed = fields.seller_vat_id?.value;
  if (
    by === 'name' &&
    printed &&
    vendor.vatId &&
    normalizeVatId(printed) !== normalizeVatId(vendor.vatId)
  ) {
    return hold(
      'vendor-master',
      'VAT_ID_MISMATCH',
      `${capitalise(name)}: printed VAT id ${printed} differs from ${vendor.vatId} on file for vendor ${vendor.id} (${vendor.name}).`,
      { ...evidence, printedVatId: printed, masterVatId: vendor.vatId },
    );
  }
  return pass(
    'vendor-master',
    `Seller of ${name} is active vendor ${vendor.id} (${vendor.name}), matched by ${by}.`,
    evidence,
  );
}

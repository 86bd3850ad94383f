import { BusinessError, errorCodeOf } from '../../runner/errors.ts';
import type { Extraction, ExtractionMethod } from '../../runner/invoice.ts';
import type { Logger } from '../../runner/logger.ts';
import { readEInvoice } from './e-invoice-reader.ts';
import { withConfidence } from './field-values.ts';
import { detectFileType, type FileType } from './file-type.ts';
import type { PagedLine } from './label-search.ts';
import { OcrPool } from './ocr-pool.ts';
import { openPdf, pdfAttachments } from './pdf-document.ts';
import { renderPageForOcr } from './pdf-render.ts';
import { readPdfText } from './pdf-text-reader.ts';
import { applyTemplate } from './template-apply.ts';
import { readTextFields } from './text-fields.ts';
import { splitTiffPages } from './tiff-pages.ts';
import {
  chooseTemplate,
  loadTemplates,
  type TemplateMiss,
  type VendorTemplate,
} from './vendor-templates.ts';

export interface ExtractOptions {
  /** Number of tesseract.js workers in the shared pool; fixed when the pool is first made. */
  ocrWorkers: number;
  /** Longest time one page may take in OCR before OCR_FAILED, in milliseconds. */
  ocrPageTimeoutMs: number;
  /** Render scale for image-only PDF pages before OCR; 1 = 72 dpi, 3 ≈ 216 dpi. */
  ocrRenderScale: number;
  logger: Logger;
  /**
   * Pages one OCR worker reads before it is terminated and replaced, which bounds the
   * memory tesseract's wasm heap can grow to; fixed when the pool is first made. Default 50.
   */
  ocrPagesPerWorker?: number;
  /** Read a Factur-X / ZUGFeRD / XRechnung XML attached to a PDF. Default true. */
  readEmbeddedXml?: boolean;
}

export interface ExtractInput {
  bytes: Uint8Array;
  fileName: string;
  mediaType?: string;
}

/** OCR text is less certain than a text layer: its confidences are scaled by this. */
const OCR_CONFIDENCE_SCALE = 0.8;
const EMBEDDED_XML_NAME = /\.xml$/i;

let pool: OcrPool | undefined;

function ocrPool(options: ExtractOptions): OcrPool {
  pool ??= new OcrPool(
    Math.max(1, options.ocrWorkers),
    options.logger,
    options.ocrPagesPerWorker ?? 50,
  );
  return pool;
}

/** Terminates the OCR worker pool so that a process can exit; the next OCR starts a new one. */
/** Starts the OCR workers ahead of the first scan (see {@link OcrPool.warmUp}). */
export async function startOcrWorkers(options: ExtractOptions): Promise<void> {
  await ocrPool(options).warmUp();
}

export async function closeExtractors(): Promise<void> {
  const current = pool;
  pool = undefined;
  await current?.close();
}

/**
 * Reads an invoice file: e-invoice XML exactly; a PDF through its embedded e-invoice, else its
 * text layer, with OCR for pages that have none or a garbled one; PNG/JPEG/TIFF by OCR.
 * @throws BusinessError FILE_UNREADABLE, UNSUPPORTED_FILE, NO_TEXT, XML_UNSAFE, XML_INVALID
 * @throws SystemError OCR_FAILED when a page exceeds `ocrPageTimeoutMs` or OCR breaks
 */
export async function extractDocument(
  input: ExtractInput,
  options: ExtractOptions,
): Promise<Extraction> {
  const type = detectFileType(input.bytes, input.fileName, input.mediaType);
  const logger = options.logger.child({ file: input.fileName, bot: 'extract' });
  if (type === 'xml') return fromXml(input.bytes, input.fileName, 'xml');
  if (type === 'pdf') return fromPdf(input, options, logger);
  const lines = await imageLines(input, type, options);
  const pageCount = Math.max(1, ...lines.map((l) => l.page));
  return fromLines(lines, 'ocr', pageCount, input.fileName, []);
}

/** OCR of an image file; each page of a multi-page TIFF in turn, through the shared pool. */
async function imageLines(
  input: ExtractInput,
  type: FileType,
  options: ExtractOptions,
): Promise<PagedLine[]> {
  const pages = type === 'tiff' ? splitTiffPages(input.bytes, input.fileName) : [input.bytes];
  const read = pages.map((image, i) =>
    ocrPool(options).recognize(image, i + 1, input.fileName, options.ocrPageTimeoutMs),
  );
  return (await Promise.all(read)).flat();
}

/**
 * OCR of the listed PDF pages. Pages are rendered one at a time (a rendered page is a large
 * bitmap) and each goes to the pool as soon as it is drawn, so several workers read the pages
 * of one scan side by side.
 */
async function ocrPdfPages(
  doc: Awaited<ReturnType<typeof openPdf>>,
  pages: readonly number[],
  fileName: string,
  options: ExtractOptions,
): Promise<PagedLine[]> {
  const reading: Array<Promise<PagedLine[]>> = [];
  try {
    for (const page of pages) {
      const image = await renderPageForOcr(doc, page, options.ocrRenderScale);
      reading.push(ocrPool(options).recognize(image, page, fileName, options.ocrPageTimeoutMs));
    }
  } finally {
    // A page that failed to render must not leave the others' failures unobserved.
    for (const r of reading) r.catch(() => {});
  }
  return (await Promise.all(reading)).flat();
}

function fromXml(bytes: Uint8Array, fileName: string, origin: 'xml' | 'pdf'): Extraction {
  const invoice = readEInvoice(bytes, fileName);
  const method: ExtractionMethod = origin === 'pdf' ? 'facturx' : invoice.syntax;
  return {
    method,
    documentKind: invoice.kind,
    fields: withConfidence(invoice.fields, 'xml', 1),
    pageCount: origin === 'pdf' ? 0 : 1,
    warnings: [],
  };
}

async function fromPdf(input: ExtractInput, options: ExtractOptions, logger: Logger) {
  const doc = await openPdf(input.bytes, input.fileName);
  try {
    const warnings: string[] = [];
    if (options.readEmbeddedXml !== false) {
      const embedded = await readEmbedded(doc, input.fileName, warnings, logger);
      if (embedded) return { ...embedded, pageCount: doc.numPages };
    }
    const { lines, textlessPages, garbled } = await readPdfText(doc);
    for (const g of garbled) {
      warnings.push(`garbled text layer on page ${g.page} (${g.reason}): read by OCR`);
      logger.warn('garbled text layer, OCR used', { count: g.page });
    }
    lines.push(...(await ocrPdfPages(doc, textlessPages, input.fileName, options)));
    for (const page of textlessPages) warnings.push(`OCR on page ${page}`);
    lines.sort((a, b) => a.page - b.page);
    const method = textlessPages.length === doc.numPages ? 'ocr' : 'pdf-text';
    return fromLines(lines, method, doc.numPages, input.fileName, warnings);
  } finally {
    await doc.destroy();
  }
}

async function readEmbedded(
  doc: Awaited<ReturnType<typeof openPdf>>,
  fileName: string,
  warnings: string[],
  logger: Logger,
): Promise<Extraction | undefined> {
  const attachments = (await pdfAttachments(doc)).filter((a) => EMBEDDED_XML_NAME.test(a.fileName));
  for (const attachment of attachments) {
    try {
      return fromXml(attachment.content, `${fileName}#${attachment.fileName}`, 'pdf');
    } catch (error) {
      const code = errorCodeOf(error);
      if (code !== 'XML_UNSAFE' && code !== 'XML_INVALID') throw error;
      warnings.push(`embedded XML ${attachment.fileName} ignored: ${code}`);
      logger.warn('embedded XML ignored', { code, element: attachment.fileName });
    }
  }
  return undefined;
}

let templates: VendorTemplate[] | undefined;

function vendorTemplates(): VendorTemplate[] {
  templates ??= loadTemplates();
  return templates;
}

function fromLines(
  lines: PagedLine[],
  method: ExtractionMethod,
  pageCount: number,
  fileName: string,
  warnings: string[],
): Extraction {
  if (lines.every((l) => l.text.trim() === '')) {
    throw new BusinessError('NO_TEXT', `${fileName}: no text could be read from the document`, {
      details: { file: fileName },
    });
  }
  const isOcr = method === 'ocr' || warnings.some((w) => w.startsWith('OCR'));
  const source = method === 'ocr' ? 'ocr' : 'text';
  const scale = isOcr ? OCR_CONFIDENCE_SCALE : 1;
  const { fields, kind } = readTextFields(lines, source, scale);
  const text = lines.map((l) => l.text).join('\n');
  const { match } = chooseTemplate(vendorTemplates(), text, fields.seller_vat_id?.value);
  if (match) {
    const set = applyTemplate(match.template, lines, fields, source, scale);
    warnings.push(`template ${match.template.name} applied to ${set.join(', ') || 'no field'}`);
  }
  return { method, documentKind: kind, fields, pageCount, warnings };
}

export interface TemplateExplanation {
  /** Name of the template that applies, if one does. */
  template?: string;
  /** Its YAML file. */
  file?: string;
  /** Why it matched, or, when none did, that no template exists for this kind of file. */
  reasons: string[];
  /** Each template that did not match, with why not. */
  rejected: TemplateMiss[];
  /** Fields the matching template would set (those its rules found a value for). */
  fields: string[];
}

/**
 * Says which vendor template applies to one document and why, or why none does. Reads the
 * document as `extractDocument` would (text layer, OCR for textless pages and images).
 */
export async function explainTemplate(
  input: ExtractInput,
  options: ExtractOptions,
): Promise<TemplateExplanation> {
  const type = detectFileType(input.bytes, input.fileName, input.mediaType);
  if (type === 'xml') {
    return {
      reasons: ['e-invoice XML is read exactly; templates are not used'],
      rejected: [],
      fields: [],
    };
  }
  const lines = await documentLines(input, options);
  const text = lines.map((l) => l.text).join('\n');
  const vatId = readTextFields(lines, 'text').fields.seller_vat_id?.value;
  const { match, misses } = chooseTemplate(vendorTemplates(), text, vatId);
  if (!match) return { reasons: ['no template matched'], rejected: misses, fields: [] };
  const fields = applyTemplate(match.template, lines, {}, 'text', 1);
  return {
    template: match.template.name,
    file: match.template.file,
    reasons: match.reasons,
    rejected: misses,
    fields,
  };
}

async function documentLines(input: ExtractInput, options: ExtractOptions): Promise<PagedLine[]> {
  const type = detectFileType(input.bytes, input.fileName, input.mediaType);
  if (type !== 'pdf') return imageLines(input, type, options);
  const doc = await openPdf(input.bytes, input.fileName);
  try {
    const { lines, textlessPages } = await readPdfText(doc);
    lines.push(...(await ocrPdfPages(doc, textlessPages, input.fileName, options)));
    return lines.sort((a, b) => a.page - b.page);
  } finally {
    await doc.destroy();
  }
}

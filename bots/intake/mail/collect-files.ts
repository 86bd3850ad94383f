import { type Attachment, simpleParser } from 'mailparser';
import {
  type ExpandOptions,
  expandContainer,
  type TakenFile,
} from '../containers/expand-container.ts';
import {
  type ContainerMediaType,
  type InvoiceMediaType,
  sniffContainerMediaType,
  sniffInvoiceMediaType,
} from '../media-type.ts';
import { safeFileName } from '../safe-file-name.ts';
import type { RowProblem, SkippedPart } from '../types.ts';

export type { SkippedPart } from '../types.ts';

/**
 * A file of a mail that can carry an invoice, or a container (zip, invoice list) with what was
 * taken out of it, before the mail's source is attached.
 */
export type MailFile = TakenFile;

export interface CollectedMail {
  messageId?: string;
  from?: string;
  subject?: string;
  files: MailFile[];
  skipped: SkippedPart[];
  /** Rows of invoice lists handed on with fields missing; logged with their row numbers. */
  rowProblems: RowProblem[];
}

export interface CollectOptions extends Omit<ExpandOptions, 'from'> {
  /** Larger attachments are skipped, in bytes; default 25 MiB (config intake.maxFileBytes). */
  maxFileBytes?: number;
  /** How many forwarded mails deep attachments are taken from; default 3. */
  maxDepth?: number;
}

const DEFAULT_MAX_FILE_BYTES = 25 * 1024 * 1024;
const DEFAULT_MAX_DEPTH = 3;

/**
 * Parses a raw mail and takes every invoice-bearing attachment, including those of forwarded
 * mails (message/rfc822 or a `.eml` file). Inline images referenced by the HTML (logos) are
 * left out; winmail.dat is recognised and reported, since its contents need a TNEF reader.
 */
export async function collectFiles(raw: Buffer, options: CollectOptions = {}) {
  const limits = {
    maxFileBytes: options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES,
    maxDepth: options.maxDepth ?? DEFAULT_MAX_DEPTH,
  };
  const parsed = await simpleParser(raw, { skipHtmlToText: true, skipTextToHtml: true });
  const result: CollectedMail = {
    messageId: parsed.messageId,
    from: parsed.from?.value[0]?.address,
    subject: parsed.subject,
    files: [],
    skipped: [],
    rowProblems: [],
  };
  const expand: ExpandOptions = { ...options, from: result.from };
  await takeAttachments(parsed.attachments, result, { ...limits, expand }, 0);
  result.files = result.files.map((file, index) => ({
    ...file,
    fileName: safeFileName(file.fileName, file.mediaType, index),
  }));
  return result;
}

interface Limits {
  maxFileBytes: number;
  maxDepth: number;
  expand: ExpandOptions;
}

async function takeAttachments(
  attachments: Attachment[],
  result: CollectedMail,
  limits: Limits,
  depth: number,
): Promise<void> {
  for (const attachment of attachments) {
    const fileName = attachment.filename ?? '';
    if (isForwardedMail(attachment)) {
      if (depth >= limits.maxDepth) result.skipped.push({ fileName, reason: 'too-deep' });
      else await takeForwarded(attachment.content, result, limits, depth + 1);
      continue;
    }
    const verdict = judge(attachment, limits.maxFileBytes);
    if (typeof verdict === 'string') result.skipped.push({ fileName, reason: verdict });
    else if ('containerType' in verdict)
      takeContainer(attachment, verdict.containerType, result, limits);
    else result.files.push({ fileName, bytes: attachment.content, mediaType: verdict.mediaType });
  }
}

function takeContainer(
  attachment: Attachment,
  mediaType: ContainerMediaType,
  result: CollectedMail,
  limits: Limits,
): void {
  const file = { fileName: attachment.filename ?? '', bytes: attachment.content, mediaType };
  const expanded = expandContainer(file, limits.expand);
  result.files.push(...expanded.files);
  result.skipped.push(...expanded.skipped);
  result.rowProblems.push(...expanded.rowProblems);
}

async function takeForwarded(
  raw: Buffer,
  result: CollectedMail,
  limits: Limits,
  depth: number,
): Promise<void> {
  const inner = await simpleParser(raw, { skipHtmlToText: true, skipTextToHtml: true });
  await takeAttachments(inner.attachments, result, limits, depth);
}

function judge(
  attachment: Attachment,
  maxFileBytes: number,
): SkippedPart['reason'] | { mediaType: InvoiceMediaType } | { containerType: ContainerMediaType } {
  if (isWinmail(attachment)) return 'winmail';
  // A logo in the signature is an inline image the HTML points at, never an invoice.
  if (attachment.related && attachment.contentDisposition !== 'attachment') return 'inline';
  const declared = { contentType: attachment.contentType, fileName: attachment.filename };
  const mediaType = sniffInvoiceMediaType(attachment.content, declared);
  const containerType = mediaType
    ? undefined
    : sniffContainerMediaType(attachment.content, declared);
  if (!mediaType && !containerType) return 'unsupported';
  if (attachment.content.length > maxFileBytes) return 'too-large';
  return mediaType ? { mediaType } : { containerType: containerType as ContainerMediaType };
}

function isForwardedMail(attachment: Attachment): boolean {
  return attachment.contentType === 'message/rfc822' || /\.eml$/i.test(attachment.filename ?? '');
}

function isWinmail(attachment: Attachment): boolean {
  const content = attachment.content;
  return (
    attachment.contentType === 'application/ms-tnef' ||
    /^winmail\.dat$/i.test(attachment.filename ?? '') ||
    (content.length >= 4 && content.readUInt32LE(0) === 0x223e9f78)
  );
}

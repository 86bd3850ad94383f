import { type Attachment, simpleParser } from 'mailparser';
import { type InvoiceMediaType, sniffInvoiceMediaType } from '../media-type.ts';
import { safeFileName } from '../safe-file-name.ts';

/** A file of a mail that can carry an invoice, before the mail's source is attached. */
export interface MailFile {
  fileName: string;
  bytes: Buffer;
  mediaType: InvoiceMediaType;
}

/** An attachment that was seen but not taken, and why; logged and kept for the reviewer. */
export interface SkippedPart {
  fileName: string;
  reason: 'winmail' | 'too-large' | 'too-deep' | 'unsupported' | 'inline';
}

export interface CollectedMail {
  messageId?: string;
  from?: string;
  subject?: string;
  files: MailFile[];
  skipped: SkippedPart[];
}

export interface CollectOptions {
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
  };
  await takeAttachments(parsed.attachments, result, limits, 0);
  result.files = result.files.map((file, index) => ({
    ...file,
    fileName: safeFileName(file.fileName, file.mediaType, index),
  }));
  return result;
}

async function takeAttachments(
  attachments: Attachment[],
  result: CollectedMail,
  limits: Required<CollectOptions>,
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
    else result.files.push({ fileName, bytes: attachment.content, mediaType: verdict.mediaType });
  }
}

async function takeForwarded(
  raw: Buffer,
  result: CollectedMail,
  limits: Required<CollectOptions>,
  depth: number,
): Promise<void> {
  const inner = await simpleParser(raw, { skipHtmlToText: true, skipTextToHtml: true });
  await takeAttachments(inner.attachments, result, limits, depth);
}

function judge(
  attachment: Attachment,
  maxFileBytes: number,
): SkippedPart['reason'] | { mediaType: InvoiceMediaType } {
  if (isWinmail(attachment)) return 'winmail';
  // A logo in the signature is an inline image the HTML points at, never an invoice.
  if (attachment.related && attachment.contentDisposition !== 'attachment') return 'inline';
  const mediaType = sniffInvoiceMediaType(attachment.content, {
    contentType: attachment.contentType,
    fileName: attachment.filename,
  });
  if (!mediaType) return 'unsupported';
  if (attachment.content.length > maxFileBytes) return 'too-large';
  return { mediaType };
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

/**
 * What every intake (mail, folder, command line) hands on: the original bytes with a safe name
 * and where they came from. The lead's store keeps the bytes by SHA-256, so handing the same
 * file twice is harmless.
 */
export interface IncomingFile {
  /** Safe to use as a file name: no path parts, no control characters, at most 200 bytes. */
  fileName: string;
  bytes: Buffer;
  /** One of {@link INVOICE_MEDIA_TYPES}, sniffed from the bytes. */
  mediaType: string;
  source: FileSource;
  /**
   * A zip or a vendor's invoice list: kept as evidence but opens no case; the files taken out of
   * it follow as IncomingFiles of their own, each naming it in `parentSha256`.
   */
  isContainer?: boolean;
  /** SHA-256 of the container this file was taken out of. */
  parentSha256?: string;
}

export type FileSource = MailSource | FolderSource | CliSource | PortalSource;

/** A file that was seen but not taken, and why; logged and kept for the reviewer. */
export interface SkippedPart {
  fileName: string;
  /**
   * `refused`: an archive beyond the limits (zip bomb) or damaged; `no-mapping`: an invoice list
   * no spreadsheet mapping matches. Both send the whole mail to the rejected folder.
   */
  reason:
    | 'winmail'
    | 'too-large'
    | 'too-deep'
    | 'unsupported'
    | 'inline'
    | 'refused'
    | 'no-mapping';
  /** The error code, for `refused`. */
  code?: string;
  message?: string;
}

/** Reasons that make the whole mail go to the rejected folder, so a person looks at it. */
export const REJECTING_REASONS: ReadonlySet<SkippedPart['reason']> = new Set([
  'refused',
  'no-mapping',
]);

/** A row of an invoice list that was handed on with fields missing, and why. */
export interface RowProblem {
  fileName: string;
  /** 1-based, as the vendor's spreadsheet shows it. */
  rowNumber: number;
  problems: string[];
}

/** Identifies one mail for good: UIDVALIDITY + UID name it on the server, Message-ID anywhere. */
export interface MailSource {
  kind: 'mail';
  /** The configured mailbox name (not the IMAP folder). */
  mailbox: string;
  uidValidity: string;
  uid: number;
  messageId: string;
  from?: string;
  subject?: string;
}

export interface FolderSource {
  kind: 'folder';
  /** Absolute path the file had when it was picked up. */
  path: string;
}

export interface CliSource {
  kind: 'cli';
  /** Absolute path given on the command line. */
  path: string;
}

/** A download from a supplier portal, named for good by the portal's own invoice reference. */
export interface PortalSource {
  kind: 'portal';
  /** The configured portal name. */
  portal: string;
  /** The portal's reference of the invoice (its row key), remembered so it is taken once. */
  reference: string;
}

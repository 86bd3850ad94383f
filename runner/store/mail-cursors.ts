import type { Db } from './db.ts';

/** Per mailbox: the UIDVALIDITY seen last and the highest UID fully handled under it. */
export interface MailCursor {
  uidValidity: string;
  lastUid: number;
}

export function dbMailCursors(db: Db) {
  return {
    async get(mailbox: string): Promise<MailCursor | undefined> {
      const [r] = await db.query<{ uid_validity: string; last_uid: number }>(
        'SELECT uid_validity, last_uid FROM mail_cursors WHERE mailbox = $1',
        [mailbox],
      );
      return r ? { uidValidity: String(r.uid_validity), lastUid: Number(r.last_uid) } : undefined;
    },
    async set(mailbox: string, cursor: MailCursor): Promise<void> {
      await db.query(
        `INSERT INTO mail_cursors (mailbox, uid_validity, last_uid) VALUES ($1, $2, $3)
         ON CONFLICT (mailbox) DO UPDATE SET uid_validity = $2, last_uid = $3`,
        [mailbox, cursor.uidValidity, cursor.lastUid],
      );
    },
  };
}

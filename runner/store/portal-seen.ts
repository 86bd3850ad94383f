import type { Db } from './db.ts';

/**
 * Which supplier-portal invoices were already taken, by portal name and the portal's own
 * reference; the portal intake asks before each download and records after handing it on.
 */
export function dbPortalSeen(db: Db) {
  return {
    async has(portal: string, reference: string): Promise<boolean> {
      const rows = await db.query(
        'SELECT 1 FROM portal_seen WHERE portal = $1 AND reference = $2',
        [portal, reference],
      );
      return rows.length > 0;
    },
    /** Idempotent: a reference recorded twice keeps its first time. */
    async add(portal: string, reference: string): Promise<void> {
      await db.query(
        `INSERT INTO portal_seen (portal, reference, taken_at) VALUES ($1, $2, $3)
         ON CONFLICT (portal, reference) DO NOTHING`,
        [portal, reference, new Date().toISOString()],
      );
    },
  };
}

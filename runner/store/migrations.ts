import type { Db } from './db.ts';

/**
 * Schema changes in order; each runs once, recorded in schema_migrations. Never edit a
 * migration that has shipped: add a new one. Times are ISO-8601 UTC strings written by the
 * code (so the audit hash covers exactly what is stored); money is a decimal string.
 */
const MIGRATIONS: string[] = [
  `
  CREATE TABLE documents (
    sha256 text PRIMARY KEY,
    file_name text NOT NULL,
    media_type text NOT NULL,
    size_bytes integer NOT NULL,
    stored_path text NOT NULL,
    received_at text NOT NULL
  );
  CREATE TABLE document_arrivals (
    id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sha256 text NOT NULL REFERENCES documents(sha256),
    channel text NOT NULL,
    source_ref text NOT NULL,
    source jsonb NOT NULL,
    arrived_at text NOT NULL,
    UNIQUE (sha256, channel, source_ref)
  );
  CREATE TABLE cases (
    id text PRIMARY KEY,
    sha256 text NOT NULL UNIQUE REFERENCES documents(sha256),
    state text NOT NULL,
    document_kind text,
    extraction jsonb,
    seller_name text,
    invoice_number text,
    gross_total text,
    currency text,
    duplicate_key text,
    hold_code text,
    hold_reason text,
    run_id text NOT NULL,
    created_seq integer GENERATED ALWAYS AS IDENTITY,
    created_at text NOT NULL,
    updated_at text NOT NULL
  );
  CREATE INDEX cases_duplicate_key ON cases (duplicate_key);
  CREATE INDEX cases_state ON cases (state);
  CREATE TABLE checks (
    id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id text NOT NULL REFERENCES cases(id),
    rule text NOT NULL,
    code text NOT NULL,
    result text NOT NULL,
    reason text NOT NULL,
    evidence jsonb NOT NULL,
    checked_at text NOT NULL
  );
  CREATE TABLE postings (
    case_id text PRIMARY KEY REFERENCES cases(id),
    target text NOT NULL,
    idempotency_key text NOT NULL,
    state text NOT NULL,
    erp_document_number text,
    attempts integer NOT NULL DEFAULT 0,
    last_error text,
    updated_at text NOT NULL,
    UNIQUE (target, idempotency_key)
  );
  CREATE TABLE steps (
    id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id text NOT NULL REFERENCES cases(id),
    run_id text NOT NULL,
    bot text NOT NULL,
    step text NOT NULL,
    status text NOT NULL,
    screenshot_path text,
    html_path text,
    started_at text NOT NULL,
    duration_ms integer NOT NULL,
    error_code text,
    message text
  );
  CREATE TABLE audit_events (
    seq integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at text NOT NULL,
    run_id text,
    case_id text,
    actor text NOT NULL,
    action text NOT NULL,
    data jsonb NOT NULL,
    prev_hash text NOT NULL,
    hash text NOT NULL
  );
  CREATE TABLE mail_cursors (
    mailbox text PRIMARY KEY,
    uid_validity text NOT NULL,
    last_uid integer NOT NULL
  );
  CREATE TABLE runs (
    id text PRIMARY KEY,
    command text NOT NULL,
    queue_mode text NOT NULL,
    started_at text NOT NULL,
    finished_at text,
    summary jsonb
  );
  `,
  `
  ALTER TABLE cases ADD COLUMN seller_key text;
  CREATE INDEX cases_seller_key ON cases (seller_key);
  `,
  `
  CREATE TABLE master_records (
    kind text NOT NULL,
    id text NOT NULL,
    data jsonb NOT NULL,
    source text NOT NULL,
    loaded_at text NOT NULL,
    PRIMARY KEY (kind, id)
  );
  CREATE TABLE exceptions (
    case_id text PRIMARY KEY REFERENCES cases(id),
    code text NOT NULL,
    owner text NOT NULL,
    level integer NOT NULL,
    deadline_at text NOT NULL,
    state text NOT NULL,
    opened_at text NOT NULL,
    updated_at text NOT NULL
  );
  CREATE INDEX exceptions_open ON exceptions (state, deadline_at);
  CREATE TABLE approvals (
    case_id text PRIMARY KEY REFERENCES cases(id),
    chain jsonb NOT NULL,
    level integer NOT NULL,
    approved_by jsonb NOT NULL,
    policy_version text NOT NULL,
    updated_at text NOT NULL
  )
  `,
  `
  CREATE TABLE portal_seen (
    portal text NOT NULL,
    reference text NOT NULL,
    taken_at text NOT NULL,
    PRIMARY KEY (portal, reference)
  )
  `,
  // When the level that must approve next is due; null for chains started before it was kept.
  'ALTER TABLE approvals ADD COLUMN deadline_at text',
  // The newest audit event, written with each one, so that events cut off the end of the chain
  // (or all of them) show: the chain alone can only prove what is still in it.
  `
  CREATE TABLE audit_head (
    id integer PRIMARY KEY CHECK (id = 1),
    seq bigint NOT NULL,
    hash text NOT NULL
  );
  INSERT INTO audit_head (id, seq, hash)
    SELECT 1, seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1
  `,
];

/** Serialises concurrent migrations from several workers on one PostgreSQL server. */
const MIGRATION_LOCK_ID = 7_304_211;

export async function migrate(db: Db): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_ID]);
    await tx.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, applied_at text NOT NULL)',
    );
    const rows = await tx.query<{ version: number }>('SELECT version FROM schema_migrations');
    const applied = new Set(rows.map((r) => r.version));
    for (const [index, sql] of MIGRATIONS.entries()) {
      if (applied.has(index + 1)) continue;
      for (const statement of splitStatements(sql)) await tx.query(statement);
      await tx.query('INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)', [
        index + 1,
        new Date().toISOString(),
      ]);
    }
  });
}

/** Prepared statements take one command each; the migrations contain no `;` inside literals. */
function splitStatements(sql: string): string[] {
  return sql
    .split(';')
    .map((s) => s.trim())
    .filter(Boolean);
}

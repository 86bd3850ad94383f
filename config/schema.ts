import { z } from 'zod';

/**
 * Every setting of the product, declared once: type, unit in the name, default. Unknown keys are
 * errors (`strict`), so a typo in a config file stops the process instead of being ignored.
 * Secrets never live here: a setting names the environment variable or file that holds one.
 */
const secretRef = z
  .object(
    {
      env: z.string().optional().describe('environment variable holding the secret'),
      file: z.string().optional().describe('file holding the secret (trailing newline dropped)'),
    },
    // A password written into the file lands here; the message must not repeat it.
    { error: 'a secret is written as { env: NAME } or { file: PATH }, never as the value itself' },
  )
  .strict()
  .refine((ref) => ref.env || ref.file, 'name an env variable or a file');

const decimal = z.string().regex(/^\d+(\.\d+)?$/, 'must be a decimal string such as "1.50"');

const mailbox = z
  .object({
    name: z.string().min(1),
    host: z.string().default('127.0.0.1'),
    port: z.number().int().positive().default(993),
    secure: z.boolean().default(true),
    user: z.string(),
    password: secretRef,
    folder: z.string().default('INBOX'),
    processedFolder: z.string().default('Processed'),
    rejectedFolder: z.string().default('Rejected'),
  })
  .strict();

const dropFolder = z
  .object({
    path: z.string(),
    /** Files are moved here once ingested, so the folder only shows what is still waiting. */
    doneFolder: z.string().optional(),
  })
  .strict();

const portal = z
  .object({
    /** Names the portal in logs, in the store and in `portal/<name>/<reference>` arrival refs. */
    name: z.string().min(1),
    baseUrl: z.string().url(),
    user: z.string(),
    password: secretRef,
    /** Selects the selector maps under selectors/<system>/. */
    system: z.string().default('fixture-portal'),
    /** UI release; `auto` detects it from the sign-in page. */
    release: z.string().default('auto'),
    /** `rpa worker`: seconds between passes (each starts a browser); default 900. */
    pollSeconds: z.number().int().positive().default(900),
  })
  .strict();

const target = z
  .object({
    /** Selects the bot flow under bots/post/<system> and the maps under selectors/<system>/. */
    system: z.string().default('fixture-erp'),
    baseUrl: z.string().url(),
    user: z.string(),
    password: secretRef,
    /** UI release; `auto` detects it from the login page. */
    release: z.string().default('auto'),
  })
  .strict();

export const configSchema = z
  .object({
    /** Where originals, evidence, the embedded database and logs live. */
    dataDir: z.string().default('./data'),
    /** PostgreSQL server; unset means the embedded PGlite under dataDir/db. Env: DATABASE_URL. */
    databaseUrl: z.string().optional(),
    /** Redis for BullMQ; unset means the in-process queue. Env: REDIS_URL. */
    redisUrl: z.string().optional(),
    queue: z
      .object({
        /** `auto` uses BullMQ when redisUrl is set and answers, else the in-process queue. */
        mode: z.enum(['auto', 'in-process', 'bullmq']).default('auto'),
        prefix: z.string().default('rpa'),
        attempts: z.number().int().min(1).default(3),
        backoffMs: z.number().int().min(0).default(1000),
        concurrency: z.number().int().min(1).default(2),
        postConcurrency: z.number().int().min(1).default(1),
      })
      .strict()
      .default({
        mode: 'auto',
        prefix: 'rpa',
        attempts: 3,
        backoffMs: 1000,
        concurrency: 2,
        postConcurrency: 1,
      }),
    sources: z
      .object({
        dropFolders: z.array(dropFolder).default([]),
        mailboxes: z.array(mailbox).default([]),
        /** Supplier portals a browser bot signs into to download new invoices. */
        portals: z.array(portal).default([]),
      })
      .strict()
      .default({ dropFolders: [], mailboxes: [], portals: [] }),
    intake: z
      .object({
        maxFileBytes: z
          .number()
          .int()
          .positive()
          .default(25 * 1024 * 1024),
        /** Column mappings for vendors' invoice lists (see config/examples/spreadsheet-mappings.yaml). */
        sheetMappingsFile: z.string().optional(),
        /** Limits for zip attachments (and XLSX workbooks, which are zips); beyond them: refused. */
        zip: z
          .object({
            /** Entries per archive, nested archives included. */
            maxEntries: z.number().int().positive().default(200),
            /** Uncompressed bytes of all entries together. */
            maxTotalBytes: z
              .number()
              .int()
              .positive()
              .default(200 * 1024 * 1024),
            /** Uncompressed over compressed size of one entry. */
            maxRatio: z.number().positive().default(100),
          })
          .strict()
          .default({ maxEntries: 200, maxTotalBytes: 200 * 1024 * 1024, maxRatio: 100 }),
      })
      .strict()
      .default({
        maxFileBytes: 25 * 1024 * 1024,
        zip: { maxEntries: 200, maxTotalBytes: 200 * 1024 * 1024, maxRatio: 100 },
      }),
    extract: z
      .object({
        ocrWorkers: z.number().int().min(1).default(2),
        ocrPageTimeoutMs: z.number().int().positive().default(60_000),
        ocrRenderScale: z.number().positive().default(2),
        minConfidence: z.number().min(0).max(1).default(0.5),
      })
      .strict()
      .default({ ocrWorkers: 2, ocrPageTimeoutMs: 60_000, ocrRenderScale: 2, minConfidence: 0.5 }),
    validate: z
      .object({
        /** Allowed difference between gross and net + tax, as a decimal string. */
        totalsTolerance: z
          .string()
          .regex(/^\d+(\.\d+)?$/)
          .default('0.01'),
        /** Days around the issue date in which the same amount from one seller is a duplicate. */
        duplicateWindowDays: z.number().int().min(0).default(30),
        /** VAT rates allowed on invoices, in percent (e.g. ["0", "7", "19"]); unset skips. */
        allowedTaxRatesPercent: z.array(decimal).optional(),
        /** Three-way match: quantity a line may exceed what was received, in units. */
        matchQuantityTolerance: decimal.default('0'),
        /** Three-way match: price variance per line allowed, in percent of the PO price. */
        matchPricePercent: decimal.default('1'),
        /** Three-way match: amount variance per line allowed, in the invoice currency. */
        matchAmountTolerance: decimal.default('5.00'),
      })
      .strict()
      .default({
        totalsTolerance: '0.01',
        duplicateWindowDays: 30,
        matchQuantityTolerance: '0',
        matchPricePercent: '1',
        matchAmountTolerance: '5.00',
      }),
    /** Routing policy (YAML, see config/examples/policy.yaml); unset auto-approves clean invoices. */
    policyFile: z.string().optional(),
    /** User directory when no policy file names one (see config/examples/users.yaml). */
    usersFile: z.string().optional(),
    /** Master data files (CSV or YAML) loaded into the store when a pipeline starts. */
    masterData: z.array(z.string()).default([]),
    escalation: z
      .object({
        /** In-process mode: seconds between sweeps for exceptions past their deadline. */
        sweepSeconds: z.number().int().positive().default(60),
      })
      .strict()
      .default({ sweepSeconds: 60 }),
    targets: z.record(z.string(), target).default({}),
    /** Which entry of `targets` receives posted invoices. */
    postTo: z.string().optional(),
    browser: z
      .object({
        /** Chromium binary; unset tries Playwright's own browser, then /usr/bin/chromium. */
        executablePath: z.string().optional(),
        headless: z.boolean().default(true),
        stepTimeoutMs: z.number().int().positive().default(15_000),
        /** Record a Playwright trace per posting, saved as trace.zip in its evidence folder. */
        trace: z.boolean().default(false),
      })
      .strict()
      .default({ headless: true, stepTimeoutMs: 15_000, trace: false }),
    post: z
      .object({
        /** Shadow mode (P6): fill and photograph every field, never save. `rpa run --shadow`. */
        shadow: z.boolean().default(false),
      })
      .strict()
      .default({ shadow: false }),
    evidence: z
      .object({
        screenshots: z.boolean().default(true),
      })
      .strict()
      .default({ screenshots: true }),
    log: z
      .object({
        level: z.enum(['error', 'warn', 'info', 'debug']).default('info'),
        /** JSON lines; relative paths are under dataDir. */
        file: z.string().default('logs/rpa.log'),
        console: z.boolean().default(true),
      })
      .strict()
      .default({ level: 'info', file: 'logs/rpa.log', console: true }),
  })
  .strict();

export type Config = z.infer<typeof configSchema>;
export type MailboxConfig = z.infer<typeof mailbox>;
export type PortalConfig = z.infer<typeof portal>;
export type TargetConfig = z.infer<typeof target>;
export type SecretRef = z.infer<typeof secretRef>;

import { existsSync, readFileSync } from 'node:fs';
import { maskIban, maskIbansIn } from '../iban-display.ts';
import type { collectEvidence } from './evidence.ts';
import { postingStateText } from './outcomes.ts';

type Evidence = Awaited<ReturnType<typeof collectEvidence>>;

/** Escapes text for HTML element content and attribute values. */
function esc(value: unknown): string {
  return String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

const NO_BREAK_SPACE = '\u00a0';

/** Text for people: IBANs masked, each kept on one line. */
function shown(value: unknown): string {
  return esc(maskIbansIn(String(value ?? ''), NO_BREAK_SPACE));
}

/**
 * A table whose `wide` columns hold the long values (reasons, JSON, hashes, paths): they take
 * the width and wrap, while the short columns (times, codes, names) stay on one line.
 */
function table(headers: string[], rows: unknown[][], wide: number[] = []): string {
  if (rows.length === 0) return '<p class="none">none</p>';
  const cls = (i: number) => (wide.includes(i) ? ' class="wide"' : '');
  const head = headers.map((h, i) => `<th${cls(i)}>${esc(h)}</th>`).join('');
  const body = rows.map(
    (r) => `<tr>${r.map((c, i) => `<td${cls(i)}>${shown(c)}</td>`).join('')}</tr>`,
  );
  return `<table><thead><tr>${head}</tr></thead><tbody>${body.join('')}</tbody></table>`;
}

/** JSON on one line with a space after each comma and colon, so it wraps between values. */
function jsonText(value: unknown): string {
  return JSON.stringify(value, null, 1).replace(/\n\s*/g, ' ');
}

/** A screenshot inlined as a data URL, so the file stays self-contained when mailed or archived. */
function screenshot(file: string | undefined): string {
  if (!file || !existsSync(file)) return '';
  const data = readFileSync(file).toString('base64');
  return `<img alt="${esc(file)}" src="data:image/png;base64,${data}">`;
}

function fieldRows(e: Evidence): unknown[][] {
  if (!e.extraction) return [];
  return Object.entries(e.extraction.fields)
    .filter(([k]) => k !== 'line_items')
    .map(([k, v]) => [
      k,
      k === 'iban' && v ? maskIban(String(v), NO_BREAK_SPACE) : v,
      e.extraction?.confidence[k],
    ]);
}

/** The invoice lines as read: what the bot typed into the ERP's line rows. */
function lineRows(e: Evidence): unknown[][] {
  const lines = (e.extraction?.fields.line_items ?? []) as Array<Record<string, unknown>>;
  return lines.map((l) => [l.description, l.quantity, l.unit_price, l.line_total]);
}

function stepSections(e: Evidence): string {
  return e.steps
    .map(
      (s, i) => `<section class="step ${esc(s.status)}"><h3>${esc(s.step)} — ${esc(s.status)}
        <small>${esc(s.startedAt)}, ${esc(s.durationMs)} ms</small></h3>
        ${s.message ? `<p>${esc(s.errorCode)}: ${esc(s.message)}</p>` : ''}
        ${s.htmlPath ? `<p>The page as it was, saved at the failure: <code>${esc(s.htmlPath)}</code></p>` : ''}
        ${
          // A step that only read the screen shares the shot of the step before it.
          i > 0 && s.screenshotPath && s.screenshotPath === e.steps[i - 1]!.screenshotPath
            ? '<p class="none">Read from the screen shown above; nothing on it changed.</p>'
            : screenshot(s.screenshotPath)
        }</section>`,
    )
    .join('\n');
}

const STYLE = `body{font:14px system-ui,sans-serif;margin:2em;max-width:1100px}
table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:3px 8px;
text-align:left;vertical-align:top;white-space:nowrap}th{background:#f3f3f3}.hold,.failed{color:#a00}
td.wide{white-space:normal;overflow-wrap:anywhere;min-width:20em}
img{max-width:100%;border:1px solid #999;margin:.5em 0}.none{color:#777}
.step{border-top:1px solid #ddd;margin-top:1em}small{color:#666;font-weight:normal}`;

/**
 * One self-contained HTML page on a case for an auditor: the timeline of audit events, the
 * original's hash, extracted fields with confidences, each check with its reason, the
 * decisions of people and the routing bot, the posting
 * and every bot step with its (masked) screenshot inlined.
 */
export function renderEvidenceHtml(e: Evidence): string {
  const c = e.case;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Evidence ${esc(c.id)}</title><style>${STYLE}</style></head><body>
<h1>Case ${esc(c.id)}: ${esc(c.state)}</h1>
${c.holdCode ? `<p class="hold">${esc(c.holdCode)}: ${shown(c.holdReason)}</p>` : ''}
<h2>Original</h2>${table(['file', 'sha256', 'stored at'], [[e.document.fileName, e.document.sha256, e.document.original]], [1, 2])}
<h2>Arrivals</h2>${table(
    ['when', 'channel', 'source'],
    e.arrivals.map((a) => [a.arrived_at, a.channel, a.source_ref]),
    [2],
  )}
<h2>Extracted data${e.extraction ? ` (${esc(e.extraction.method)})` : ''}</h2>
${table(['field', 'value', 'confidence'], fieldRows(e), [1])}
<h3>Invoice lines</h3>
${table(['description', 'quantity', 'unit price', 'line total'], lineRows(e), [0])}
<h2>Checks</h2>${table(
    ['result', 'rule', 'code', 'reason'],
    e.checks.map((k) => [k.result, k.rule, k.code, k.reason]),
    [3],
  )}
<h2>Decisions</h2>
${e.approval ? `<p>Approval chain ${esc(e.approval.chain.join(' → '))}; approved by ${esc(e.approval.approvedBy.join(', ') || 'nobody yet')} (policy ${esc(e.approval.policyVersion)})</p>` : ''}
${table(
  ['when (UTC)', 'who', 'decision', 'details'],
  e.decisions.map((d) => [d.at, d.actor, d.action, jsonText(d.data)]),
  [3],
)}
<h2>Posting</h2>${table(
    ['target', 'state', 'ERP document', 'attempts', 'last error'],
    e.posting
      ? [
          [
            e.posting.target,
            postingStateText(e.posting.state),
            e.posting.erpDocumentNumber,
            e.posting.attempts,
            e.posting.lastError,
          ],
        ]
      : [],
    [4],
  )}
<h2>Timeline (audit events)</h2>
${table(
  ['#', 'when (UTC)', 'actor', 'action', 'data', 'hash'],
  e.audit.map((a) => [a.seq, a.at, a.actor, a.action, jsonText(a.data), a.hash.slice(0, 16)]),
  [4],
)}
<h2>Bot steps</h2>${stepSections(e) || '<p class="none">none</p>'}
</body></html>
`;
}

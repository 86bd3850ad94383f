import { startDovecot } from '../fixtures/dovecot/start-dovecot.ts';
import { openTestClient } from '../fixtures/dovecot/append-mail.ts';
import { execSync } from 'node:child_process';
const s = await startDovecot();
const c = openTestClient(s, 'invoices', 'secret'); await c.connect();
c.on('error', e => console.log('client error', e.message));
c.on('close', () => console.log('closed'));
await c.mailboxOpen('INBOX');
await s.pause();
console.log(execSync('ps -ef | grep -E "dovecot|imap" | grep -v grep || true').toString());
try { console.log(await c.status('INBOX', {messages: true})); } catch (e) { console.log('status failed', (e as Error).message); }
await new Promise(r => setTimeout(r, 1000));
console.log(execSync('ps -ef | grep -E "dovecot|imap" | grep -v grep || true').toString());
await s.stop();

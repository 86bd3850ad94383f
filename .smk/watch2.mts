import { startDovecot } from '../fixtures/dovecot/start-dovecot.ts';
import { createLogger } from '../runner/logger.ts';
import { MemoryCursorStore } from '../bots/intake/mail/memory-cursor-store.ts';
import { pollMailbox } from '../bots/intake/mail/poll-mailbox.ts';
const s = await startDovecot({users:[{user:'poll',password:'pw'}]});
const log = createLogger({ level: 'debug', console: true });
log.info('hello');
const r = await Promise.race([pollMailbox({ name: 'w', host: s.host, port: s.port, secure: false, user: 'poll', password: 'pw', folder: 'INBOX', processedFolder: 'Processed', rejectedFolder: 'Rejected' } as any,
  async () => 'accepted', new MemoryCursorStore(), log), new Promise(r => setTimeout(() => r('TIMEOUT'), 3000))]);
console.log(r);
await s.stop();

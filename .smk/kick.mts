import { startDovecot } from '../fixtures/dovecot/start-dovecot.ts';
const s = await startDovecot();
try { console.log(await s.kick('invoices')); } catch (e) { console.log('ERR', (e as any).code, (e as any).stdout, (e as any).stderr); }
await s.stop();

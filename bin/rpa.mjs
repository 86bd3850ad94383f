#!/usr/bin/env node
// The `rpa` command. The sources are TypeScript run through tsx, so a clone works without a
// build step; tsx is a runtime dependency for that reason.
import { register } from 'tsx/esm/api';

register();
await import('../cli/main.ts');

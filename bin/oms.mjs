#!/usr/bin/env node
// The `oms` command: the CLI is TypeScript like the rest of the code; tsx (a runtime
// dependency) compiles it on the fly, so `npx oms` works from the repo and from an install.
import { register } from 'tsx/esm/api';

register();
await import('../printing/cli.ts');

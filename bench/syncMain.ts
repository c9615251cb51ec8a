import { runSync } from './sync.ts';

/**
 * npm run bench -- --suite=sync [--quick] [--only=S1,S3] until bench/run.ts registers the suite:
 * tsx bench/syncMain.ts [--quick] [--only=S1,S2,S3,S4,S6]
 */
const quick = process.argv.includes('--quick');
const only = process.argv
  .find((a) => a.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',')
  .filter((x) => x !== '');
await runSync(quick, only);

import { parseArgs } from 'node:util';
import { resolveShellOptions } from '../app/options.ts';
import { startWebShell } from './server.ts';

/**
 * `npm start` runs this when Electron cannot launch (or with --web). Prints ONE line with the
 * reason and the URL, then serves until interrupted.
 */
const { values } = parseArgs({
  options: {
    'data-dir': { type: 'string' },
    port: { type: 'string' },
    'server-url': { type: 'string' },
    'no-demo': { type: 'boolean' },
    reason: { type: 'string' },
  },
  allowPositionals: false,
});

const options = resolveShellOptions(values, process.env);
const shell = await startWebShell({
  dataDir: options.dataDir,
  serverUrl: options.serverUrl,
  port: options.port,
  ...(process.env['OMS_WEB_TOKEN'] ? { token: process.env['OMS_WEB_TOKEN'] } : {}),
  seedDemoData: !values['no-demo'],
  userName: options.userName,
  roles: options.roles,
});

const why = values.reason ? `${values.reason}; ` : '';
console.log(`Dockside OMS: ${why}web shell running at ${shell.launchUrl} (data: ${options.dataDir})`);

let closing = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (closing) return;
    closing = true;
    void shell.close().then(() => process.exit(0));
  });
}

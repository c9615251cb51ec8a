import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export interface ShellOptions {
  dataDir: string;
  serverUrl: string | null;
  port: number;
  /** The local profile until sign-in arrives with sync: its name and roles (comma-separated in OMS_ROLES). */
  userName: string;
  roles: string[];
}

export const DEFAULT_ROLES = ['administrator'];

export const DEFAULT_WEB_PORT = 5280;

/** Where a desktop keeps its database when no flag or variable says otherwise. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (process.platform === 'win32')
    return join(env['APPDATA'] ?? join(homedir(), 'AppData', 'Roaming'), 'Dockside OMS');
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Dockside OMS');
  return join(env['XDG_DATA_HOME'] ?? join(homedir(), '.local', 'share'), 'dockside-oms');
}

/** Flags win over environment variables, which win over defaults. */
export function resolveShellOptions(
  flags: { 'data-dir'?: string | undefined; port?: string | undefined; 'server-url'?: string | undefined },
  env: NodeJS.ProcessEnv,
): ShellOptions {
  const portText = flags.port ?? env['OMS_PORT'];
  const port = portText === undefined ? DEFAULT_WEB_PORT : Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`Invalid port: ${portText}`);
  const serverUrl = flags['server-url'] ?? env['OMS_SERVER_URL'] ?? null;
  if (serverUrl !== null && !/^https?:\/\//.test(serverUrl)) throw new Error(`Invalid server URL: ${serverUrl}`);
  const roles = (env['OMS_ROLES'] ?? '')
    .split(',')
    .map((r) => r.trim())
    .filter((r) => r !== '');
  return {
    dataDir: resolve(flags['data-dir'] ?? env['OMS_DATA_DIR'] ?? defaultDataDir(env)),
    serverUrl,
    port,
    userName: env['OMS_USER']?.trim() || 'local',
    roles: roles.length > 0 ? roles : DEFAULT_ROLES,
  };
}

/** The local profile from the environment, for shells that parse their own flags (Electron). */
export function localProfile(env: NodeJS.ProcessEnv): { userName: string; roles: string[] } {
  const { userName, roles } = resolveShellOptions({}, { ...env, OMS_PORT: undefined, OMS_SERVER_URL: undefined });
  return { userName, roles };
}

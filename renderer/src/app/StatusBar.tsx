import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import type { systemInfo } from '../../../core/api/system.api.ts';
import { isErrorCode } from '../../../core/errors.ts';
import { oms } from '../api/client.ts';
import { errorText } from '../i18n/messages.ts';
import { formatDateTime } from '../masterdata/columns.ts';
import { useUi } from '../state/ui.ts';
import { syncNow, useSync } from '../sync/store.ts';

type SystemInfo = z.output<typeof systemInfo>;

const POLL_MS = 5_000;

type Tone = 'idle' | 'good' | 'busy' | 'warn' | 'bad';

/**
 * Bottom bar: the connection to the server (online, offline, syncing, signed out, update
 * required), changes waiting for upload, open sync issues (a click opens them), the last
 * successful sync and "Sync now"; then shell, data directory and version.
 */
export function StatusBar() {
  const { t, i18n } = useTranslation();
  const sync = useSync((s) => s.status);
  const reachable = useSync((s) => s.reachable);
  const unauthorised = useSync((s) => s.unauthorised);
  const running = useSync((s) => s.syncing);
  const signedIn = useSync((s) => s.session?.mode === 'signed-in');
  const signedInOffline = useSync((s) => s.session?.offline ?? false);
  const openIssues = useSync((s) => s.openIssues);
  const setReauth = useSync((s) => s.setReauth);
  const showToast = useUi((s) => s.showToast);
  const [info, setInfo] = useState<SystemInfo | null>(null);

  useEffect(() => {
    let alive = true;
    const poll = async () => {
      const i = await oms['system.info']({});
      if (alive && i.ok) setInfo(i.data);
    };
    void poll();
    const timer = window.setInterval(() => void poll(), POLL_MS);
    return () => {
      alive = false;
      window.clearInterval(timer);
    };
  }, []);

  let connection: { tone: Tone; text: string; state: string };
  if (reachable === null) connection = { tone: 'idle', text: t('status.checking'), state: 'checking' };
  else if (unauthorised) connection = { tone: 'bad', text: t('status.unauthorized'), state: 'unauthorised' };
  else if (!reachable) connection = { tone: 'bad', text: t('status.unavailable'), state: 'unavailable' };
  else if (!sync) connection = { tone: 'idle', text: t('status.checking'), state: 'checking' };
  else if (!sync.serverConfigured) connection = { tone: 'idle', text: t('status.noServer'), state: 'not-configured' };
  else {
    // Signed in offline (the server unreachable at sign-in): the online session is still to come,
    // so the desktop is offline rather than signed out.
    const base = sync.state === 'signed-out' && signedIn && signedInOffline ? 'offline' : sync.state;
    const state = running && base !== 'update-required' && base !== 'signed-out' ? 'syncing' : base;
    const tone: Tone =
      state === 'online' ? 'good' : state === 'syncing' ? 'busy' : state === 'offline' ? 'warn' : 'bad';
    const text = state === 'syncing' && sync.downloading ? t('sync.states.downloading') : t(`sync.states.${state}`);
    connection = { tone, text, state };
  }
  const lastError = sync?.lastError ?? null;
  const why = lastError
    ? isErrorCode(lastError.code)
      ? errorText(t, { code: lastError.code })
      : lastError.message
    : undefined;

  const withServer = sync?.serverConfigured ?? false;
  const issues = sync?.rejectedCommands ?? 0;
  const c = t('common.colon');

  const onSyncNow = async () => {
    const failure = await syncNow();
    if (failure) showToast(errorText(t, failure));
  };

  const connText = (
    <>
      <span className="dot" aria-hidden="true" />
      {connection.text}
    </>
  );
  return (
    <footer className="status-bar" aria-label={t('status.label')}>
      {connection.state === 'signed-out' && signedIn ? (
        <button
          type="button"
          className={`status-item conn conn-${connection.tone} status-button`}
          data-testid="status-connection"
          data-state={connection.state}
          title={t('sync.states.signInAgain')}
          onClick={() => setReauth(true)}
        >
          {connText}
        </button>
      ) : (
        <span
          className={`status-item conn conn-${connection.tone}`}
          data-testid="status-connection"
          data-state={connection.state}
          title={connection.state === 'offline' ? why : undefined}
        >
          {connText}
        </span>
      )}
      <span className="status-item" data-testid="status-pending">
        {t('status.pending')}
        {c}
        <strong>{sync ? sync.pendingCommands : '–'}</strong>
      </span>
      {withServer && issues > 0 ? (
        <button
          type="button"
          className="status-item status-alert status-button"
          data-testid="status-rejected"
          onClick={openIssues}
        >
          {t('status.rejected')}
          {c}
          <strong>{issues}</strong>
        </button>
      ) : (
        <span className="status-item" data-testid="status-rejected">
          {t('status.rejected')}
          {c}
          <strong>{sync ? issues : '–'}</strong>
        </span>
      )}
      <span
        className="status-item"
        data-testid="status-last-sync"
        title={sync?.lastSyncAt ? new Date(sync.lastSyncAt).toLocaleString(i18n.language) : undefined}
      >
        {t('status.lastSync')}
        {c}
        <strong>
          {sync ? (sync.lastSyncAt ? formatDateTime(sync.lastSyncAt, i18n.language) : t('status.never')) : '–'}
        </strong>
      </span>
      {withServer ? (
        <button
          type="button"
          className="btn btn-small status-sync"
          disabled={running || connection.state === 'signed-out'}
          onClick={() => void onSyncNow()}
        >
          {running ? t('sync.states.syncing') : t('sync.now')}
        </button>
      ) : null}
      <span className="status-spacer" />
      {info ? (
        <>
          <span className="status-item" data-testid="status-shell">
            {t('status.shell')}
            {c}
            {t(`status.shells.${info.shell}`)}
          </span>
          <span className="status-item status-path" data-testid="status-data-dir" title={info.dataDir}>
            {t('status.dataDir')}
            {c}
            <span className="mono">{info.dataDir}</span>
          </span>
          <span className="status-item" data-testid="status-version">
            {t('status.version')} {info.appVersion}
          </span>
        </>
      ) : null}
    </footer>
  );
}

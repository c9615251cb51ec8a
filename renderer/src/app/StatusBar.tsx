import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import type { syncStatus } from '../../../core/api/sync.api.ts';
import type { systemInfo } from '../../../core/api/system.api.ts';
import { oms } from '../api/client.ts';
import { formatDateTime } from '../masterdata/columns.ts';

type SyncStatus = z.output<typeof syncStatus>;
type SystemInfo = z.output<typeof systemInfo>;

const POLL_MS = 5_000;

/** Bottom bar: connection, pending and rejected changes, last sync, shell and data directory. */
export function StatusBar() {
  const { t, i18n } = useTranslation();
  const [sync, setSync] = useState<SyncStatus | null>(null);
  const [info, setInfo] = useState<SystemInfo | null>(null);
  const [reachable, setReachable] = useState<boolean | null>(null);
  const [unauthorised, setUnauthorised] = useState(false);

  useEffect(() => {
    let alive = true;
    const poll = async () => {
      const [s, i] = await Promise.all([oms['sync.status']({}), oms['system.info']({})]);
      if (!alive) return;
      setReachable(s.ok || i.ok);
      setUnauthorised(!s.ok && s.error.code === 'api.unauthorized');
      if (s.ok) setSync(s.data);
      if (i.ok) setInfo(i.data);
    };
    void poll();
    const timer = window.setInterval(() => void poll(), POLL_MS);
    return () => {
      alive = false;
      window.clearInterval(timer);
    };
  }, []);

  let connection: { tone: string; text: string };
  if (reachable === null) connection = { tone: 'idle', text: t('status.checking') };
  else if (unauthorised) connection = { tone: 'bad', text: t('status.unauthorized') };
  else if (!reachable) connection = { tone: 'bad', text: t('status.unavailable') };
  else if (!sync) connection = { tone: 'idle', text: t('status.checking') };
  else if (!sync.serverConfigured) connection = { tone: 'idle', text: t('status.noServer') };
  else if (sync.online) connection = { tone: 'good', text: t('status.online') };
  else connection = { tone: 'warn', text: t('status.offline') };

  const rejected = sync?.rejectedCommands ?? 0;
  const c = t('common.colon');
  return (
    <footer className="status-bar" aria-label={t('status.label')}>
      <span className={`status-item conn conn-${connection.tone}`} data-testid="status-connection">
        <span className="dot" aria-hidden="true" />
        {connection.text}
      </span>
      <span className="status-item" data-testid="status-pending">
        {t('status.pending')}
        {c}
        <strong>{sync ? sync.pendingCommands : '–'}</strong>
      </span>
      <span className={rejected > 0 ? 'status-item status-alert' : 'status-item'} data-testid="status-rejected">
        {t('status.rejected')}
        {c}
        <strong>{sync ? rejected : '–'}</strong>
      </span>
      <span className="status-item" data-testid="status-last-sync">
        {t('status.lastSync')}
        {c}
        <strong>
          {sync ? (sync.lastSyncAt ? formatDateTime(sync.lastSyncAt, i18n.language) : t('status.never')) : '–'}
        </strong>
      </span>
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

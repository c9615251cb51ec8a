import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import type { syncSettings } from '../../../core/api/sync.api.ts';
import type { AppErrorData } from '../../../core/errors.ts';
import { oms } from '../api/client.ts';
import { Dialog } from '../inventory/Dialog.tsx';
import { errorText, issueText } from '../i18n/messages.ts';
import { formatDateTime } from '../masterdata/columns.ts';
import { useUi } from '../state/ui.ts';
import { useSync } from './store.ts';
import { ErrorBanner } from '../app/ErrorBanner.tsx';

type Settings = z.output<typeof syncSettings>;

/**
 * Settings (设置): the server this desktop syncs with (set, change or clear: without one the
 * desktop works on its own with the local profile), this desktop's client id, and the account
 * signed in here.
 */
export function SettingsScreen() {
  const { t, i18n } = useTranslation();
  const showToast = useUi((s) => s.showToast);
  const session = useSync((s) => s.session);
  const status = useSync((s) => s.status);
  const refresh = useSync((s) => s.refresh);
  const setSession = useSync((s) => s.setSession);
  const [settings, setSettings] = useState<Settings | null>(null);
  const [url, setUrl] = useState('');
  const [failure, setFailure] = useState<AppErrorData | null>(null);
  const [saving, setSaving] = useState(false);
  const [clearing, setClearing] = useState(false);
  const [loadError, setLoadError] = useState<AppErrorData | null>(null);

  useEffect(() => {
    void oms['sync.settings']({}).then((r) => {
      if (!r.ok) return setLoadError(r.error);
      setSettings(r.data);
      setUrl(r.data.serverUrl ?? '');
    });
  }, []);

  const save = async (serverUrl: string | null) => {
    if (saving) return;
    setFailure(null);
    setSaving(true);
    const r = await oms['sync.setServer']({ serverUrl });
    setSaving(false);
    setClearing(false);
    if (!r.ok) {
      setFailure(r.error);
      return;
    }
    setSettings(r.data);
    setUrl(r.data.serverUrl ?? '');
    showToast(r.data.serverUrl ? t('sync.settings.saved', { url: r.data.serverUrl }) : t('sync.settings.cleared'));
    await refresh();
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const trimmed = url.trim();
    if (!trimmed) {
      setClearing(true);
      return;
    }
    void save(trimmed);
  };

  const signOut = async () => {
    const r = await oms['auth.signOut']({});
    if (!r.ok) return showToast(errorText(t, r.error));
    setSession(r.data);
    await refresh();
  };

  const urlIssue = failure?.details?.fields?.[0];
  const user = session?.mode === 'signed-in' ? session.user : null;
  const dirty = settings !== null && url.trim() !== (settings.serverUrl ?? '');
  return (
    <section className="screen settings-screen" aria-labelledby="screen-title">
      <div className="screen-head">
        <div className="screen-title">
          <h1 id="screen-title">{t('nav.settings')}</h1>
        </div>
      </div>
      <ErrorBanner error={loadError} />
      <div className="settings-grid">
        <section className="panel settings-panel" aria-labelledby="settings-server">
          <div className="panel-head">
            <h2 id="settings-server">{t('sync.settings.serverTitle')}</h2>
          </div>
          <form className="settings-body" onSubmit={submit} noValidate>
            <p className="muted settings-help">{t('sync.settings.serverHelp')}</p>
            <div className="field">
              <label htmlFor="settings-server-url">{t('sync.settings.serverUrl')}</label>
              <div className="settings-row">
                <input
                  id="settings-server-url"
                  type="text"
                  inputMode="url"
                  spellCheck={false}
                  autoCapitalize="off"
                  placeholder="https://oms.example.com"
                  value={url}
                  aria-invalid={urlIssue || (failure && !urlIssue) ? true : undefined}
                  onChange={(e) => setUrl(e.target.value)}
                />
                <button type="submit" className="btn btn-primary" disabled={saving || !dirty}>
                  {saving ? t('common.saving') : t('sync.settings.saveServer')}
                </button>
              </div>
              {failure ? (
                <p className="field-error" role="alert">
                  {urlIssue ? issueText(t, urlIssue) : errorText(t, failure)}
                </p>
              ) : null}
              <p className="field-hint">
                {settings?.serverUrl
                  ? t('sync.settings.current', { url: settings.serverUrl })
                  : t('sync.settings.none')}
              </p>
            </div>
            {settings?.serverUrl ? (
              <div>
                <button type="button" className="btn btn-danger" onClick={() => setClearing(true)}>
                  {t('sync.settings.clear')}
                </button>
              </div>
            ) : null}
            <dl className="settings-facts">
              <dt>{t('sync.settings.clientId')}</dt>
              <dd className="mono" data-testid="settings-client-id">
                {settings?.clientId ?? '…'}
              </dd>
              <dt>{t('sync.settings.state')}</dt>
              <dd>{status ? t(`sync.states.${status.state}`) : '…'}</dd>
              <dt>{t('status.lastSync')}</dt>
              <dd>{status?.lastSyncAt ? formatDateTime(status.lastSyncAt, i18n.language) : t('status.never')}</dd>
            </dl>
            <p className="field-hint">{t('sync.settings.clientIdHelp')}</p>
          </form>
        </section>
        <section className="panel settings-panel" aria-labelledby="settings-account">
          <div className="panel-head">
            <h2 id="settings-account">{t('sync.settings.accountTitle')}</h2>
          </div>
          <div className="settings-body">
            {session?.mode === 'local' || !settings?.serverUrl ? (
              <p>{t('sync.settings.localAccount')}</p>
            ) : user ? (
              <>
                <dl className="settings-facts">
                  <dt>{t('sync.user.name')}</dt>
                  <dd>{user.displayName}</dd>
                  <dt>{t('sync.user.username')}</dt>
                  <dd className="mono">{user.username}</dd>
                  <dt>{t('sync.user.roles')}</dt>
                  <dd>
                    {user.roles.map((r) => t(`sync.roles.${r}`, { defaultValue: r })).join(t('sync.listSeparator'))}
                  </dd>
                  <dt>{t('sync.user.signedIn')}</dt>
                  <dd>{session?.offline ? t('sync.user.signedInOffline') : t('sync.user.signedInOnline')}</dd>
                </dl>
                <div>
                  <button type="button" className="btn btn-danger" onClick={() => void signOut()}>
                    {t('sync.user.signOut')}
                  </button>
                </div>
              </>
            ) : (
              <p>{t('sync.settings.nobody')}</p>
            )}
          </div>
        </section>
      </div>
      <p className="muted settings-later">{t('sync.settings.later')}</p>
      {clearing ? (
        <Dialog
          title={t('sync.settings.clearTitle')}
          onCancel={() => setClearing(false)}
          onSubmit={() => void save(null)}
          initialFocus=".dialog-foot .btn-confirm"
          footer={
            <>
              <span className="muted">{t('sync.confirm.keys')}</span>
              <div className="actions">
                <button type="button" className="btn" onClick={() => setClearing(false)}>
                  {t('common.cancel')}
                </button>
                <button type="submit" className="btn btn-danger-solid btn-confirm" disabled={saving}>
                  {t('sync.settings.clearConfirm')}
                </button>
              </div>
            </>
          }
        >
          <div className="form-body">
            <p className="sync-explain">{t('sync.settings.clearBody', { pending: status?.pendingCommands ?? 0 })}</p>
          </div>
        </Dialog>
      ) : null}
    </section>
  );
}

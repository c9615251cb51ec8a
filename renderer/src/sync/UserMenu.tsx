import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { oms } from '../api/client.ts';
import { errorText } from '../i18n/messages.ts';
import { useUi } from '../state/ui.ts';
import { useSync } from './store.ts';

/**
 * The signed-in clerk in the header: name (and "offline" when signed in with the cached
 * credentials); the menu shows the user name, roles and what is still to upload, and signs out.
 */
export function UserMenu() {
  const { t } = useTranslation();
  const session = useSync((s) => s.session);
  const pending = useSync((s) => s.status?.pendingCommands ?? 0);
  const setSession = useSync((s) => s.setSession);
  const refresh = useSync((s) => s.refresh);
  const setView = useUi((s) => s.setView);
  const showToast = useUi((s) => s.showToast);
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const rootRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const panelId = `${useId().replaceAll(':', '')}-user`;

  useEffect(() => {
    if (!open) return;
    const onDown = (event: MouseEvent) => {
      if (event.target instanceof Node && !rootRef.current?.contains(event.target)) setOpen(false);
    };
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return;
      setOpen(false);
      buttonRef.current?.focus();
    };
    document.addEventListener('mousedown', onDown);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('mousedown', onDown);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);

  const user = session?.mode === 'signed-in' ? session.user : null;
  if (!user) return null;

  const signOut = async () => {
    setBusy(true);
    const r = await oms['auth.signOut']({});
    setBusy(false);
    setOpen(false);
    if (!r.ok) {
      showToast(errorText(t, r.error));
      return;
    }
    setSession(r.data);
    await refresh();
  };

  return (
    <div className="user-menu" ref={rootRef}>
      <button
        ref={buttonRef}
        type="button"
        className="user-button"
        aria-expanded={open}
        aria-controls={panelId}
        aria-label={t('sync.user.menu', { name: user.displayName })}
        onClick={() => setOpen((o) => !o)}
      >
        <span className="user-avatar" aria-hidden="true">
          {Array.from(user.displayName.trim())[0] ?? '?'}
        </span>
        <span className="user-name">{user.displayName}</span>
        {session?.offline ? <span className="user-offline">{t('sync.user.offlineBadge')}</span> : null}
        <span className="caret" aria-hidden="true">
          ▾
        </span>
      </button>
      {open ? (
        <div className="user-panel" id={panelId} role="region" aria-label={t('sync.user.panel')}>
          <p className="user-panel-name">{user.displayName}</p>
          <dl className="user-facts">
            <dt>{t('sync.user.username')}</dt>
            <dd className="mono">{user.username}</dd>
            <dt>{t('sync.user.roles')}</dt>
            <dd>{user.roles.map((r) => t(`sync.roles.${r}`, { defaultValue: r })).join(t('sync.listSeparator'))}</dd>
            {user.scopes.length > 0 ? (
              <>
                <dt>{t('sync.user.scopes')}</dt>
                <dd>
                  {user.scopes
                    .map((s) => t(`sync.scopeKinds.${s.kind}`, { defaultValue: s.kind }))
                    .join(t('sync.listSeparator'))}
                </dd>
              </>
            ) : null}
          </dl>
          {session?.offline ? <p className="user-note">{t('sync.user.offlineNote')}</p> : null}
          {pending > 0 ? <p className="user-note">{t('sync.user.pendingNote', { count: pending })}</p> : null}
          <div className="user-actions">
            <button
              type="button"
              className="btn btn-small"
              onClick={() => {
                setOpen(false);
                setView('settings');
              }}
            >
              {t('sync.user.settings')}
            </button>
            <button type="button" className="btn btn-small btn-danger" disabled={busy} onClick={() => void signOut()}>
              {t('sync.user.signOut')}
            </button>
          </div>
        </div>
      ) : null}
    </div>
  );
}

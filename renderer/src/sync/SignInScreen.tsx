import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { AppErrorData } from '../../../core/errors.ts';
import { oms } from '../api/client.ts';
import { errorText, issueText } from '../i18n/messages.ts';
import { useUi } from '../state/ui.ts';
import { useSync } from './store.ts';
import { ErrorBanner } from '../app/ErrorBanner.tsx';

/**
 * Sign-in (登录) when a server is configured and nobody is signed in, or when sync paused for
 * want of a valid session. Online first; when the server cannot be reached the desktop checks
 * the password against what it stored at this user's last online sign-in, and says so.
 */
export function SignInScreen() {
  const { t } = useTranslation();
  const reauth = useSync((s) => s.reauth);
  const setReauth = useSync((s) => s.setReauth);
  const setSession = useSync((s) => s.setSession);
  const refresh = useSync((s) => s.refresh);
  const showToast = useUi((s) => s.showToast);
  const signedIn = useSync((s) => s.session?.user ?? null);
  const [username, setUsername] = useState(signedIn?.username ?? '');
  const [password, setPassword] = useState('');
  const [tried, setTried] = useState(false);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<AppErrorData | null>(null);
  const [server, setServer] = useState<string | null>(null);
  const userRef = useRef<HTMLInputElement>(null);
  const passRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    void oms['sync.settings']({}).then((r) => {
      if (r.ok) setServer(r.data.serverUrl);
    });
    (signedIn ? passRef : userRef).current?.focus();
    // Focus once, when the screen opens.
  }, []);

  const missingUser = !username.trim();
  const missingPassword = !password;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setTried(true);
    setFailure(null);
    if (missingUser) return userRef.current?.focus();
    if (missingPassword) return passRef.current?.focus();
    setBusy(true);
    const r = await oms['auth.signIn']({ username: username.trim(), password });
    setBusy(false);
    if (!r.ok) {
      setFailure(r.error);
      setPassword('');
      passRef.current?.focus();
      return;
    }
    setSession(r.data);
    showToast(
      r.data.offline
        ? t('sync.signIn.doneOffline', { name: r.data.user?.displayName ?? '' })
        : t('sync.signIn.done', { name: r.data.user?.displayName ?? '' }),
    );
    await refresh();
  };

  const fieldError = (missing: boolean) =>
    tried && missing ? <p className="field-error">{issueText(t, { path: '', code: 'required' })}</p> : null;

  return (
    <section className="signin" aria-labelledby="signin-title">
      <form className="signin-card" onSubmit={(e) => void submit(e)} noValidate aria-labelledby="signin-title">
        <div className="signin-head">
          <span className="brand-mark" aria-hidden="true">
            D
          </span>
          <div>
            <h1 id="signin-title">{t('sync.signIn.title')}</h1>
            <p className="muted signin-server">
              {t('sync.signIn.server')}
              {t('common.colon')}
              <span className="mono">{server ?? '…'}</span>
            </p>
          </div>
        </div>
        {reauth ? (
          <div className="banner banner-warn" role="status">
            <p>{t('sync.signIn.reauth')}</p>
          </div>
        ) : null}
        <ErrorBanner error={failure} />
        <div className="field">
          <label htmlFor="signin-user">{t('sync.signIn.username')}</label>
          <input
            ref={userRef}
            id="signin-user"
            type="text"
            autoComplete="username"
            autoCapitalize="off"
            spellCheck={false}
            value={username}
            aria-invalid={tried && missingUser ? true : undefined}
            onChange={(e) => setUsername(e.target.value)}
          />
          {fieldError(missingUser)}
        </div>
        <div className="field">
          <label htmlFor="signin-password">{t('sync.signIn.password')}</label>
          <input
            ref={passRef}
            id="signin-password"
            type="password"
            autoComplete="current-password"
            value={password}
            aria-invalid={tried && missingPassword ? true : undefined}
            onChange={(e) => setPassword(e.target.value)}
          />
          {fieldError(missingPassword)}
        </div>
        <div className="signin-actions">
          {reauth ? (
            <button type="button" className="btn" onClick={() => setReauth(false)}>
              {t('common.cancel')}
            </button>
          ) : null}
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? t('sync.signIn.busy') : t('sync.signIn.submit')}
          </button>
        </div>
        <p className="signin-offline">{t('sync.signIn.offlineHint')}</p>
      </form>
      <ServerChange current={server} onChanged={setServer} />
    </section>
  );
}

/** A wrong server address must not lock the clerk out: it can be corrected before signing in. */
function ServerChange({ current, onChanged }: { current: string | null; onChanged: (url: string) => void }) {
  const { t } = useTranslation();
  const refresh = useSync((s) => s.refresh);
  const [open, setOpen] = useState(false);
  const [url, setUrl] = useState('');
  const [failure, setFailure] = useState<AppErrorData | null>(null);
  const [busy, setBusy] = useState(false);

  const save = async (event: FormEvent) => {
    event.preventDefault();
    if (busy || !url.trim()) return;
    setBusy(true);
    setFailure(null);
    const r = await oms['sync.setServer']({ serverUrl: url.trim() });
    setBusy(false);
    if (!r.ok) return setFailure(r.error);
    onChanged(r.data.serverUrl ?? '');
    setOpen(false);
    await refresh();
  };

  if (!open)
    return (
      <p className="signin-change">
        <button
          type="button"
          className="link"
          onClick={() => {
            setUrl(current ?? '');
            setOpen(true);
          }}
        >
          {t('sync.signIn.changeServer')}
        </button>
      </p>
    );
  const issue = failure?.details?.fields?.[0];
  return (
    <form className="signin-card signin-server-form" onSubmit={(e) => void save(e)} noValidate>
      <div className="field">
        <label htmlFor="signin-server-url">{t('sync.settings.serverUrl')}</label>
        <input
          id="signin-server-url"
          type="text"
          inputMode="url"
          spellCheck={false}
          autoCapitalize="off"
          value={url}
          aria-invalid={failure ? true : undefined}
          onChange={(e) => setUrl(e.target.value)}
        />
        {failure ? (
          <p className="field-error" role="alert">
            {issue ? issueText(t, issue) : errorText(t, failure)}
          </p>
        ) : null}
      </div>
      <div className="signin-actions">
        <button type="button" className="btn" onClick={() => setOpen(false)}>
          {t('common.cancel')}
        </button>
        <button type="submit" className="btn btn-primary" disabled={busy || !url.trim()}>
          {t('sync.settings.saveServer')}
        </button>
      </div>
    </form>
  );
}

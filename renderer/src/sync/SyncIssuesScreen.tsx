import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AppErrorData } from '../../../core/errors.ts';
import { oms } from '../api/client.ts';
import { formatQty } from '../inventory/format.ts';
import { formatDateTime } from '../masterdata/columns.ts';
import { useOrdersUi } from '../orders/store.ts';
import { useUi } from '../state/ui.ts';
import { commandName, demandIdOf, orderIdOf, prettyJson, reasonText, type SyncIssue } from './format.ts';
import { ConfirmIssueDialog, FieldIssueList, ResendDialog, type Decision } from './IssueDialogs.tsx';
import { useSync } from './store.ts';
import { ErrorBanner } from '../app/ErrorBanner.tsx';

type Filter = 'open' | 'resolved';

/**
 * Sync issues (同步问题): the changes made on this desktop that the server refused or could not
 * run, with the reason, who made them and when, and the original arguments. Nothing leaves the
 * list by itself: the clerk edits and resends, accepts the server's version, or discards, each
 * confirmed and recorded with who and when (the resolved list shows it).
 */
export function SyncIssuesScreen() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const showToast = useUi((s) => s.showToast);
  const refreshSync = useSync((s) => s.refresh);
  const lastSyncAt = useSync((s) => s.status?.lastSyncAt ?? null);
  const [filter, setFilter] = useState<Filter>('open');
  const [rows, setRows] = useState<SyncIssue[] | null>(null);
  const [error, setError] = useState<AppErrorData | null>(null);
  const [numbers, setNumbers] = useState<Record<string, string>>({});
  const [deciding, setDeciding] = useState<{ issue: SyncIssue; decision: Decision; subject: string } | null>(null);

  const load = useCallback(async () => {
    const r = await oms['sync.issues']({ status: filter });
    if (!r.ok) {
      setError(r.error);
      setRows((prev) => prev ?? []);
      return;
    }
    setError(null);
    setRows(r.data.rows);
  }, [filter]);

  // Read again after each sync round: new refusals arrive with it.
  useEffect(() => {
    void load();
  }, [load, lastSyncAt]);

  // The order numbers behind the arguments' order ids, so the clerk sees which document it was.
  useEffect(() => {
    const ids = [...new Set((rows ?? []).map((r) => orderIdOf(r.args)).filter((id): id is string => !!id))];
    const missing = ids.filter((id) => !(id in numbers));
    if (missing.length === 0) return;
    let alive = true;
    void Promise.all(missing.map((id) => oms['orders.get']({ id }))).then((results) => {
      if (!alive) return;
      const found: Record<string, string> = {};
      results.forEach((r, i) => {
        found[missing[i]!] = r.ok ? r.data.order.number : '';
      });
      setNumbers((prev) => ({ ...prev, ...found }));
    });
    return () => {
      alive = false;
    };
  }, [rows, numbers]);

  const decided = async (issue: SyncIssue) => {
    setDeciding(null);
    showToast(t(`sync.decided.${issue.resolution ?? 'resent'}`, { command: commandName(t, issue.command) }));
    useOrdersUi.getState().changed();
    await Promise.all([load(), refreshSync()]);
  };

  const fmt = (iso: string | null) => formatDateTime(iso, lang);
  const list = rows ?? [];
  return (
    <section className="screen sync-screen" aria-labelledby="screen-title">
      <div className="screen-head inv-head">
        <div className="screen-title">
          <h1 id="screen-title">{t('sync.issues.title')}</h1>
        </div>
        <div className="seg" role="radiogroup" aria-label={t('sync.issues.filter')}>
          {(['open', 'resolved'] as const).map((f) => (
            <label key={f} className={filter === f ? 'seg-item active' : 'seg-item'}>
              <input type="radio" name="sync-issue-filter" checked={filter === f} onChange={() => setFilter(f)} />
              {t(`sync.issues.filters.${f}`)}
            </label>
          ))}
        </div>
        <span className="inv-spacer" />
        <span className="count" aria-live="polite">
          {rows === null
            ? t('common.loading')
            : t(`sync.issues.count.${filter}`, { count: list.length, formatted: formatQty(list.length) })}
        </span>
        <button type="button" className="btn" onClick={() => void load()}>
          {t('common.refresh')}
        </button>
      </div>
      <p className="muted queue-intro">{t(`sync.issues.intro.${filter}`)}</p>
      <ErrorBanner error={error} />
      <div className="panel queue-panel">
        <div className="panel-scroll">
          {rows !== null && list.length === 0 ? (
            <p className="panel-empty muted">{t(`sync.issues.empty.${filter}`)}</p>
          ) : (
            <table className="data-table sticky queue-table sync-table" aria-label={t(`sync.issues.label.${filter}`)}>
              <thead>
                <tr>
                  <th scope="col">{t('sync.issues.columns.command')}</th>
                  <th scope="col">{t('sync.issues.columns.made')}</th>
                  <th scope="col">{t('sync.issues.columns.reason')}</th>
                  <th scope="col">{t('sync.issues.columns.args')}</th>
                  {filter === 'open' ? (
                    <th scope="col" className="row-actions">
                      <span className="visually-hidden">{t('sync.issues.columns.actions')}</span>
                    </th>
                  ) : (
                    <th scope="col">{t('sync.issues.columns.decision')}</th>
                  )}
                </tr>
              </thead>
              <tbody>
                {list.map((issue) => {
                  const orderId = orderIdOf(issue.args);
                  const subject = (orderId ? numbers[orderId] : null) || demandIdOf(issue.args) || '';
                  const name = commandName(t, issue.command);
                  return (
                    <tr key={issue.mutationId} data-mutation={issue.mutationId}>
                      <th scope="row" className="sync-command">
                        <span className="sync-command-name">{name}</span>
                        {subject ? <span className="mono sync-subject">{subject}</span> : null}
                        <span className={issue.status === 'failed' ? 'chip tone-progress' : 'chip tone-bad'}>
                          {t(`sync.issues.statuses.${issue.status}`)}
                        </span>
                      </th>
                      <td className="tabular">
                        <div className="sync-actor">{issue.actor || '—'}</div>
                        <div>{fmt(issue.createdAt)}</div>
                        <div className="muted sync-small">
                          {t('sync.issues.reportedAt', { at: fmt(issue.reportedAt) })}
                        </div>
                      </td>
                      <td className="sync-reason">
                        <p className="sync-reason-text">{reasonText(t, issue.error)}</p>
                        <FieldIssueList error={issue.error as AppErrorData} />
                        <details className="sync-tech">
                          <summary>{t('sync.issues.technical')}</summary>
                          <dl>
                            <dt>{t('sync.issues.errorCode')}</dt>
                            <dd className="mono">{issue.error.code}</dd>
                            <dt>{t('sync.issues.serverMessage')}</dt>
                            <dd>{issue.error.message}</dd>
                            {issue.error.details !== undefined ? (
                              <>
                                <dt>{t('sync.issues.details')}</dt>
                                <dd>
                                  <pre className="json">{prettyJson(issue.error.details)}</pre>
                                </dd>
                              </>
                            ) : null}
                            <dt>{t('sync.issues.change')}</dt>
                            <dd className="mono">
                              #{issue.seq} · {issue.mutationId}
                            </dd>
                          </dl>
                        </details>
                      </td>
                      <td className="sync-args">
                        <details>
                          <summary>{t('sync.issues.showArgs', { command: name })}</summary>
                          <pre className="json">{prettyJson(issue.args)}</pre>
                        </details>
                      </td>
                      {filter === 'open' ? (
                        <td className="row-actions sync-actions">
                          <button
                            type="button"
                            className="btn btn-small btn-primary"
                            onClick={() => setDeciding({ issue, decision: 'resend', subject })}
                          >
                            {t('sync.actions.resend')}
                          </button>
                          <button
                            type="button"
                            className="btn btn-small"
                            onClick={() => setDeciding({ issue, decision: 'accept-server', subject })}
                          >
                            {t('sync.actions.accept-server')}
                          </button>
                          <button
                            type="button"
                            className="btn btn-small btn-danger"
                            onClick={() => setDeciding({ issue, decision: 'discard', subject })}
                          >
                            {t('sync.actions.discard')}
                          </button>
                        </td>
                      ) : (
                        <td className="sync-decision">
                          <span className={`chip ${issue.resolution === 'resent' ? 'tone-good' : 'tone-muted'}`}>
                            {t(`sync.resolutions.${issue.resolution ?? 'open'}`)}
                          </span>
                          <div className="sync-small">
                            {t('sync.issues.decidedBy', { name: issue.resolvedBy ?? '—', at: fmt(issue.resolvedAt) })}
                          </div>
                        </td>
                      )}
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )}
        </div>
      </div>
      {deciding?.decision === 'resend' ? (
        <ResendDialog
          issue={deciding.issue}
          subject={deciding.subject}
          onCancel={() => setDeciding(null)}
          onDone={(i) => void decided(i)}
        />
      ) : deciding ? (
        <ConfirmIssueDialog
          issue={deciding.issue}
          subject={deciding.subject}
          decision={deciding.decision}
          onCancel={() => setDeciding(null)}
          onDone={(i) => void decided(i)}
        />
      ) : null}
    </section>
  );
}

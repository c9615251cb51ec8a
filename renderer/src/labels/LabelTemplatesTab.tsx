import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TemplateEntryOut } from '../../../core/api/labels.api.ts';
import { mayRun } from '../../../core/auth/permissions.ts';
import type { AppErrorData, FieldIssue } from '../../../core/errors.ts';
import { oms } from '../api/client.ts';
import { errorText } from '../i18n/messages.ts';
import { Dialog } from '../inventory/Dialog.tsx';
import { formatDateTime } from '../masterdata/columns.ts';
import { useUi } from '../state/ui.ts';
import { useSync } from '../sync/store.ts';
import { checkDraft, draftFrom, duplicateDraft, mapIssues, type Draft, type DraftElement } from './draft.ts';
import { LabelPreview } from './LabelPreview.tsx';
import { TemplateEditor } from './TemplateEditor.tsx';
import './labelEditor.css';
import { ErrorBanner } from '../app/ErrorBanner.tsx';

/** What is open in the editor: a stored template (built-in or saved) or a copy not saved yet. */
interface Open {
  entry: TemplateEntryOut | null;
  draft: Draft;
  /** The draft as last loaded or saved, to tell unsaved changes. */
  baseline: string;
}

type SaveProblem = { kind: 'conflict' } | { kind: 'error'; error: AppErrorData };

/**
 * The dock's label template tab: the built-in GS1 labels (read-only, duplicated to change them)
 * and the saved ones, each opened in an editor with a live preview next to it.
 */
export function LabelTemplatesTab() {
  const { t, i18n } = useTranslation();
  const showToast = useUi((s) => s.showToast);
  const session = useSync((s) => s.session);
  const canEdit = session?.mode === 'local' || mayRun('saveLabelTemplate', session?.user?.roles ?? []);

  const [rows, setRows] = useState<TemplateEntryOut[] | null>(null);
  const [loadError, setLoadError] = useState<AppErrorData | null>(null);
  const [open, setOpen] = useState<Open | null>(null);
  const [selected, setSelected] = useState<number | null>(null);
  const [saving, setSaving] = useState(false);
  const [problem, setProblem] = useState<SaveProblem | null>(null);
  const [serverIssues, setServerIssues] = useState<FieldIssue[]>([]);
  /** An action waiting for the clerk to agree to drop unsaved changes. */
  const [pending, setPending] = useState<(() => void) | null>(null);

  const load = useCallback(async () => {
    const result = await oms['labelTemplates.list']({ includeInactive: true });
    if (!result.ok) {
      setLoadError(result.error);
      return null;
    }
    setLoadError(null);
    setRows(result.data.rows);
    return result.data.rows;
  }, []);

  const openEntry = useCallback((entry: TemplateEntryOut) => {
    const draft = draftFrom(entry.template);
    setOpen({ entry, draft, baseline: JSON.stringify(draft) });
    setSelected(null);
    setProblem(null);
    setServerIssues([]);
  }, []);

  useEffect(() => {
    void load().then((list) => {
      const first = list?.[0];
      if (first) openEntry(first);
    });
  }, [load, openEntry]);

  const draft = open?.draft ?? null;
  const dirty = open !== null && JSON.stringify(open.draft) !== open.baseline;
  const readOnly = !open || !canEdit || open.entry?.builtIn === true;
  const check = useMemo(() => (draft ? checkDraft(draft) : null), [draft]);
  const issues = useMemo(
    () => mapIssues(check && !check.ok ? (check.error.details?.fields ?? []) : serverIssues),
    [check, serverIssues],
  );

  /** Runs `action` now, or after the clerk agrees to drop unsaved changes. */
  const guard = (action: () => void) => {
    if (dirty) setPending(() => action);
    else action();
  };

  const setDraft = (next: Draft) => {
    setOpen((o) => (o ? { ...o, draft: next } : o));
    setServerIssues([]);
    if (problem?.kind === 'error') setProblem(null);
  };
  const changeElement = (index: number, next: DraftElement) => {
    if (!draft) return;
    setDraft({ ...draft, elements: draft.elements.map((e, i) => (i === index ? next : e)) });
  };

  const duplicate = (entry: TemplateEntryOut) =>
    guard(() => {
      const copy = duplicateDraft(entry.template, t('labelEditor.copyName', { name: entry.name }));
      // Baseline '' : a copy counts as unsaved until it is saved.
      setOpen({ entry: null, draft: copy, baseline: '' });
      setSelected(null);
      setProblem(null);
      setServerIssues([]);
    });

  const save = async (asNew = false) => {
    if (!open || !check || saving) return;
    if (!check.ok) {
      setProblem({ kind: 'error', error: check.error });
      return;
    }
    const entry = asNew ? null : open.entry;
    const name = asNew ? t('labelEditor.copyName', { name: open.draft.name }) : open.draft.name;
    setSaving(true);
    const result = await oms['labelTemplates.save']({
      ...(entry ? { id: entry.id, expectedVersion: entry.version } : {}),
      name: name.trim().slice(0, 80),
      body: { ...check.template, name: name.trim().slice(0, 80) },
      active: entry?.active ?? true,
    });
    setSaving(false);
    if (!result.ok) {
      if (result.error.code === 'dock.version-conflict') setProblem({ kind: 'conflict' });
      else {
        setProblem({ kind: 'error', error: result.error });
        // The command reports paths of its argument (body.elements.2…): the editor's are the body's.
        setServerIssues(
          (result.error.details?.fields ?? [])
            .filter((f) => f.path.startsWith('body.'))
            .map((f) => ({ ...f, path: f.path.slice(5) })),
        );
      }
      return;
    }
    setProblem(null);
    showToast(t('labelEditor.saved', { name, version: result.data.version }));
    const list = await load();
    const saved = list?.find((r) => r.id === result.data.id);
    if (saved) {
      const d = draftFrom(saved.template);
      setOpen({ entry: saved, draft: d, baseline: JSON.stringify(d) });
    }
  };

  const toggleActive = async (entry: TemplateEntryOut) => {
    const result = await oms['labelTemplates.save']({
      id: entry.id,
      expectedVersion: entry.version,
      name: entry.name,
      body: entry.template,
      active: !entry.active,
    });
    if (!result.ok) {
      setProblem(
        result.error.code === 'dock.version-conflict' ? { kind: 'conflict' } : { kind: 'error', error: result.error },
      );
      return;
    }
    showToast(t(entry.active ? 'labelEditor.deactivated' : 'labelEditor.activated', { name: entry.name }));
    const list = await load();
    const fresh = list?.find((r) => r.id === entry.id);
    // The flag is not part of the body: the open draft (edited or not) just moves to the new version.
    if (fresh) setOpen((o) => (o && o.entry?.id === entry.id ? { ...o, entry: fresh } : o));
  };

  const reloadSaved = async () => {
    if (!open?.entry) return;
    const result = await oms['labelTemplates.get']({ id: open.entry.id });
    if (!result.ok) {
      setProblem({ kind: 'error', error: result.error });
      return;
    }
    openEntry(result.data);
    void load();
  };

  const lang = i18n.language;
  const entry = open?.entry ?? null;

  return (
    <div className="le-tab" data-testid="label-templates">
      <aside className="panel le-list" aria-labelledby="le-list-title">
        <header className="panel-head">
          <h2 id="le-list-title">{t('labelEditor.list.title')}</h2>
        </header>
        <ErrorBanner error={loadError} />
        <ul className="le-templates panel-scroll">
          {(rows ?? []).map((row) => {
            const isOpen = entry?.id === row.id;
            return (
              <li key={row.id} className={isOpen ? 'le-template open' : 'le-template'} data-testid="template-row">
                <button
                  type="button"
                  className="le-template-pick"
                  aria-current={isOpen ? 'true' : undefined}
                  onClick={() => guard(() => openEntry(row))}
                >
                  <span className="le-template-name">{row.name}</span>
                  <span className="le-template-meta">
                    {row.builtIn ? (
                      <span className="chip">{t('labelEditor.list.builtIn')}</span>
                    ) : (
                      <span className="muted">{t('labelEditor.list.version', { version: row.version })}</span>
                    )}
                    {row.active ? null : <span className="chip chip-warn">{t('labelEditor.list.inactive')}</span>}
                    <span className="muted">
                      {t('labelEditor.list.size', { w: row.template.widthMm, h: row.template.heightMm })}
                    </span>
                  </span>
                </button>
                <span className="le-template-actions">
                  <button
                    type="button"
                    className="btn btn-tiny"
                    disabled={!canEdit}
                    aria-label={t('labelEditor.list.duplicateOf', { name: row.name })}
                    onClick={() => duplicate(row)}
                  >
                    {t('labelEditor.list.duplicate')}
                  </button>
                  {row.builtIn ? null : (
                    <button
                      type="button"
                      className="btn btn-tiny"
                      disabled={!canEdit}
                      aria-label={t(row.active ? 'labelEditor.list.deactivateOf' : 'labelEditor.list.activateOf', {
                        name: row.name,
                      })}
                      onClick={() => void toggleActive(row)}
                    >
                      {t(row.active ? 'labelEditor.list.deactivate' : 'labelEditor.list.activate')}
                    </button>
                  )}
                </span>
              </li>
            );
          })}
        </ul>
      </aside>

      {open && draft && check ? (
        <>
          <section className="panel le-editor" aria-labelledby="le-editor-title">
            <header className="panel-head le-editor-head">
              <div className="le-editor-title">
                <h2 id="le-editor-title">{draft.name || t('labelEditor.untitled')}</h2>
                <span className="muted le-editor-state" data-testid="editor-state">
                  {entry?.builtIn
                    ? t('labelEditor.state.builtIn')
                    : !canEdit
                      ? t('labelEditor.state.noPermission')
                      : dirty
                        ? t('labelEditor.state.unsaved')
                        : entry
                          ? t('labelEditor.state.saved', {
                              version: entry.version,
                              by: entry.updatedBy ?? '',
                              at: formatDateTime(entry.updatedAt, lang),
                            })
                          : ''}
                </span>
              </div>
              <div className="toolbar">
                {entry?.builtIn ? (
                  <button
                    type="button"
                    className="btn btn-primary"
                    disabled={!canEdit}
                    onClick={() => duplicate(entry)}
                  >
                    {t('labelEditor.duplicateToEdit')}
                  </button>
                ) : (
                  <>
                    <button
                      type="button"
                      className="btn"
                      disabled={readOnly || !dirty || saving}
                      onClick={() => (entry ? openEntry(entry) : setOpen(null))}
                    >
                      {t('labelEditor.discard')}
                    </button>
                    <button
                      type="button"
                      className="btn btn-primary"
                      disabled={readOnly || !dirty || saving}
                      onClick={() => void save()}
                    >
                      {saving ? t('labelEditor.saving') : t('labelEditor.save')}
                    </button>
                  </>
                )}
              </div>
            </header>
            {problem?.kind === 'conflict' ? (
              <div className="banner banner-warn le-banner" role="alert" data-testid="save-conflict">
                <p>
                  <strong>{t('labelEditor.conflict.title')}</strong> {t('labelEditor.conflict.text')}
                </p>
                <div className="toolbar">
                  <button type="button" className="btn btn-small" onClick={() => void reloadSaved()}>
                    {t('labelEditor.conflict.reload')}
                  </button>
                  <button type="button" className="btn btn-small" onClick={() => void save(true)}>
                    {t('labelEditor.conflict.saveAsNew')}
                  </button>
                </div>
              </div>
            ) : null}
            {problem?.kind === 'error' ? (
              <div className="banner banner-error le-banner" role="alert" data-testid="save-error">
                <p>
                  {problem.error.code === 'label.invalid-template' || problem.error.code === 'label.unknown-field'
                    ? t('labelEditor.fixFirst')
                    : errorText(t, problem.error)}
                </p>
              </div>
            ) : null}
            <div className="panel-scroll">
              <TemplateEditor
                draft={draft}
                issues={issues}
                readOnly={readOnly}
                selected={selected}
                onSelect={setSelected}
                onChange={setDraft}
              />
            </div>
          </section>
          <section className="panel le-preview-panel" aria-labelledby="le-preview-title">
            <header className="panel-head">
              <h2 id="le-preview-title">{t('labelEditor.preview.title')}</h2>
            </header>
            <LabelPreview
              draft={draft}
              check={check}
              selected={selected}
              readOnly={readOnly}
              onSelect={setSelected}
              onChangeElement={changeElement}
            />
          </section>
        </>
      ) : (
        <p className="muted le-none">{rows ? t('labelEditor.pickTemplate') : t('labelEditor.loading')}</p>
      )}

      {pending ? (
        <Dialog
          title={t('labelEditor.unsaved.title')}
          onCancel={() => setPending(null)}
          footer={
            <>
              <button type="button" className="btn" onClick={() => setPending(null)}>
                {t('labelEditor.unsaved.keep')}
              </button>
              <button
                type="button"
                className="btn btn-danger"
                onClick={() => {
                  const action = pending;
                  setPending(null);
                  action();
                }}
              >
                {t('labelEditor.unsaved.discard')}
              </button>
            </>
          }
        >
          <p className="dialog-text">{t('labelEditor.unsaved.text', { name: draft?.name ?? '' })}</p>
        </Dialog>
      ) : null}
    </div>
  );
}

import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ConfirmDialog } from '../app/ConfirmDialog.tsx';
import type { PrinterOut } from '../../../core/api/printing.api.ts';
import type { AppErrorData } from '../../../core/errors.ts';
import { oms } from '../api/client.ts';
import { Dialog, DialogFooter } from '../inventory/Dialog.tsx';
import { useUi } from '../state/ui.ts';
import { joinTarget, splitTarget, type TargetKind } from './format.ts';
import './printing.css';
import { ErrorBanner } from '../app/ErrorBanner.tsx';

interface TemplateOption {
  id: string;
  name: string;
}

function useTemplates(): TemplateOption[] {
  const [templates, setTemplates] = useState<TemplateOption[]>([]);
  useEffect(() => {
    void oms['labelTemplates.list']({}).then((r) => {
      if (r.ok) setTemplates(r.data.rows.map((x) => ({ id: x.id, name: x.name })));
    });
  }, []);
  return templates;
}

/**
 * This desktop's printers: a network label printer (raw TCP 9100), an OS spooler queue (CUPS),
 * a PDF file/folder or an OS printer through its own driver (desktop app only), each with its
 * language, resolution and default label template.
 */
export function PrintersPanel() {
  const { t } = useTranslation();
  const showToast = useUi((s) => s.showToast);
  const [printers, setPrinters] = useState<PrinterOut[] | null>(null);
  const [failure, setFailure] = useState<AppErrorData | null>(null);
  const [editing, setEditing] = useState<PrinterOut | 'new' | null>(null);
  const [removing, setRemoving] = useState<PrinterOut | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const templates = useTemplates();

  const load = useCallback(async () => {
    const r = await oms['printers.list']({});
    if (r.ok) {
      setPrinters(r.data.rows);
      setFailure(null);
    } else setFailure(r.error);
  }, []);
  useEffect(() => {
    void load();
  }, [load]);

  const testPrint = async (p: PrinterOut) => {
    setBusy(p.id);
    const r = await oms['printers.test']({ id: p.id });
    setBusy(null);
    if (!r.ok) return setFailure(r.error);
    showToast(t('printing.printers.testQueued', { name: p.name }));
  };

  const templateName = (id: string | null) =>
    id ? (templates.find((x) => x.id === id)?.name ?? id) : t('printing.printers.templateNone');

  return (
    <section className="panel printing-panel" aria-labelledby="printers-title">
      <header className="panel-head">
        <h2 id="printers-title">{t('printing.printers.title')}</h2>
        <span className="muted">{t('printing.printers.intro')}</span>
        <span className="inv-spacer" />
        <button type="button" className="btn btn-primary" onClick={() => setEditing('new')}>
          {t('printing.printers.add')}
        </button>
      </header>
      <ErrorBanner error={failure} />
      <div className="panel-scroll">
        {printers && printers.length === 0 ? (
          <p className="panel-empty">{t('printing.printers.empty')}</p>
        ) : (
          <table className="simple-table printing-table">
            <thead>
              <tr>
                <th>{t('printing.printers.name')}</th>
                <th>{t('printing.printers.target')}</th>
                <th>{t('printing.printers.language')}</th>
                <th>{t('printing.printers.dpi')}</th>
                <th>{t('printing.printers.template')}</th>
                <th>
                  <span className="visually-hidden">{t('printing.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {(printers ?? []).map((p) => (
                <tr key={p.id}>
                  <td>
                    {p.name}{' '}
                    {p.isDefault ? <span className="chip tone-info">{t('printing.printers.default')}</span> : null}
                  </td>
                  <td className="mono">{p.target}</td>
                  <td>{t(`printing.languages.${p.target.startsWith('os:') ? 'page' : p.language}`)}</td>
                  {/* An OS printer's barcodes sit on a dpi grid too; a PDF file has none. */}
                  <td>{p.language === 'pdf' && !p.target.startsWith('os:') ? '—' : p.dpi}</td>
                  <td>{templateName(p.templateId)}</td>
                  <td className="row-actions nowrap">
                    <button
                      type="button"
                      className="btn btn-small"
                      disabled={busy === p.id}
                      onClick={() => void testPrint(p)}
                    >
                      {t('printing.printers.test')}
                    </button>{' '}
                    <button type="button" className="btn btn-small" onClick={() => setEditing(p)}>
                      {t('printing.printers.edit')}
                    </button>{' '}
                    <button type="button" className="btn btn-small btn-danger" onClick={() => setRemoving(p)}>
                      {t('printing.printers.remove')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
      {editing ? (
        <PrinterDialog
          printer={editing === 'new' ? null : editing}
          templates={templates}
          onCancel={() => setEditing(null)}
          onDone={(saved) => {
            setEditing(null);
            showToast(t('printing.printers.saved', { name: saved.name }));
            void load();
          }}
        />
      ) : null}
      {removing ? (
        <RemovePrinterDialog
          printer={removing}
          onCancel={() => setRemoving(null)}
          onDone={() => {
            setRemoving(null);
            void load();
          }}
        />
      ) : null}
    </section>
  );
}

const KINDS: TargetKind[] = ['tcp', 'cups', 'pdf', 'os'];

function PrinterDialog({
  printer,
  templates,
  onCancel,
  onDone,
}: {
  printer: PrinterOut | null;
  templates: TemplateOption[];
  onCancel: () => void;
  onDone: (p: PrinterOut) => void;
}) {
  const { t } = useTranslation();
  const start = splitTarget(printer?.target ?? 'tcp://');
  const [name, setName] = useState(printer?.name ?? '');
  const [kind, setKind] = useState<TargetKind>(start.kind);
  const [address, setAddress] = useState(start.value);
  const [chosenLanguage, setLanguage] = useState<PrinterOut['language']>(printer?.language ?? 'zpl');
  // An OS printer prints pages (HTML through its driver) whatever was chosen; the host agrees.
  const language = kind === 'os' ? 'pdf' : chosenLanguage;
  const [dpi, setDpi] = useState<203 | 300>(printer?.dpi === 300 ? 300 : 203);
  const [templateId, setTemplateId] = useState(printer?.templateId ?? '');
  const [isDefault, setIsDefault] = useState(printer?.isDefault ?? false);
  const [saving, setSaving] = useState(false);
  const [failure, setFailure] = useState<AppErrorData | null>(null);
  const [tried, setTried] = useState(false);

  const submit = async () => {
    if (saving) return;
    setTried(true);
    if (!name.trim() || !address.trim()) return;
    setSaving(true);
    const r = await oms['printers.save']({
      ...(printer ? { id: printer.id } : {}),
      name,
      target: joinTarget(kind, address),
      language,
      dpi,
      templateId: templateId || null,
      isDefault,
    });
    setSaving(false);
    if (!r.ok) return setFailure(r.error);
    onDone(r.data);
  };

  return (
    <Dialog
      title={printer ? t('printing.printers.editTitle', { name: printer.name }) : t('printing.printers.addTitle')}
      onCancel={onCancel}
      onSubmit={() => void submit()}
      footer={
        <DialogFooter
          keys={t('printing.keys.form')}
          confirm={t('printing.printers.save')}
          saving={saving}
          onCancel={onCancel}
        />
      }
    >
      <ErrorBanner error={failure} />
      <div className="form-body">
        <div className="field">
          <label htmlFor="printer-name">{t('printing.printers.name')}</label>
          <input
            id="printer-name"
            type="text"
            value={name}
            maxLength={80}
            aria-invalid={tried && !name.trim() ? true : undefined}
            onChange={(e) => setName(e.target.value)}
          />
          {tried && !name.trim() ? <p className="field-error">{t('validation.required')}</p> : null}
        </div>
        <fieldset className="field">
          <legend>{t('printing.printers.connection')}</legend>
          <div className="radio-row">
            {KINDS.map((k) => (
              <label key={k}>
                <input type="radio" name="printer-kind" checked={kind === k} onChange={() => setKind(k)} />{' '}
                {t(`printing.kinds.${k}`)}
              </label>
            ))}
          </div>
        </fieldset>
        <div className="field">
          <label htmlFor="printer-address">{t(`printing.addressLabel.${kind}`)}</label>
          <input
            id="printer-address"
            type="text"
            className="mono"
            value={address}
            maxLength={kind === 'os' ? 200 : 290}
            placeholder={t(`printing.addressPlaceholder.${kind}`)}
            aria-invalid={tried && !address.trim() ? true : undefined}
            onChange={(e) => setAddress(e.target.value)}
          />
          <p className="field-hint">{t(`printing.addressHint.${kind}`)}</p>
          {tried && !address.trim() ? <p className="field-error">{t('validation.required')}</p> : null}
        </div>
        <div className="form-grid">
          <div className="field">
            <label htmlFor="printer-language">{t('printing.printers.language')}</label>
            <select
              id="printer-language"
              value={language}
              disabled={kind === 'os'}
              onChange={(e) => setLanguage(e.target.value as PrinterOut['language'])}
            >
              {(['zpl', 'tspl', 'pdf'] as const).map((l) => (
                <option key={l} value={l}>
                  {t(`printing.languages.${kind === 'os' && l === 'pdf' ? 'page' : l}`)}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="printer-dpi">{t('printing.printers.dpi')}</label>
            <select id="printer-dpi" value={dpi} onChange={(e) => setDpi(e.target.value === '300' ? 300 : 203)}>
              <option value={203}>203 dpi</option>
              <option value={300}>300 dpi</option>
            </select>
          </div>
        </div>
        <div className="field">
          <label htmlFor="printer-template">{t('printing.printers.template')}</label>
          <select id="printer-template" value={templateId} onChange={(e) => setTemplateId(e.target.value)}>
            <option value="">{t('printing.printers.templateNone')}</option>
            {templates.map((x) => (
              <option key={x.id} value={x.id}>
                {x.name}
              </option>
            ))}
          </select>
        </div>
        <label className="field-check">
          <input type="checkbox" checked={isDefault} onChange={(e) => setIsDefault(e.target.checked)} />{' '}
          {t('printing.printers.makeDefault')}
        </label>
      </div>
    </Dialog>
  );
}

function RemovePrinterDialog({
  printer,
  onCancel,
  onDone,
}: {
  printer: PrinterOut;
  onCancel: () => void;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const showToast = useUi((s) => s.showToast);
  return (
    <ConfirmDialog
      title={t('printing.printers.removeTitle', { name: printer.name })}
      keys={t('printing.keys.form')}
      confirm={t('printing.printers.remove')}
      danger
      run={() => oms['printers.remove']({ id: printer.id })}
      onCancel={onCancel}
      onDone={() => {
        showToast(t('printing.printers.removed', { name: printer.name }));
        onDone();
      }}
    >
      <p className="dialog-text">{t('printing.printers.removeText')}</p>
    </ConfirmDialog>
  );
}

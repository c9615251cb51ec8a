import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PrinterOut } from '../../../core/api/printing.api.ts';
import type { AppErrorData } from '../../../core/errors.ts';
import { oms } from '../api/client.ts';
import { Dialog, DialogFooter } from '../inventory/Dialog.tsx';
import { useUi } from '../state/ui.ts';
import { defaultPrinter, downloadBase64 } from './format.ts';
import './printing.css';
import { ErrorBanner } from '../app/ErrorBanner.tsx';

interface Props {
  asnId: string;
  /** Units chosen on the ASN screen; absent = every handling unit. */
  unitIds?: string[];
  onClose(): void;
}

/**
 * Prints an ASN's logistic labels: one job to the chosen printer in its language, or a PDF to
 * download for an office printer or an A4 label sheet.
 */
export function PrintLabelsDialog({ asnId, unitIds, onClose }: Props) {
  const { t } = useTranslation();
  const showToast = useUi((s) => s.showToast);
  const [printers, setPrinters] = useState<PrinterOut[] | null>(null);
  const [templates, setTemplates] = useState<{ id: string; name: string }[]>([]);
  const [printerId, setPrinterId] = useState('');
  const [templateId, setTemplateId] = useState('');
  const [which, setWhich] = useState<'selected' | 'all'>(unitIds && unitIds.length > 0 ? 'selected' : 'all');
  const [saving, setSaving] = useState(false);
  const [failure, setFailure] = useState<AppErrorData | null>(null);

  useEffect(() => {
    void oms['printers.list']({}).then((r) => {
      if (!r.ok) return setFailure(r.error);
      setPrinters(r.data.rows);
      const p = defaultPrinter(r.data.rows);
      if (p) {
        setPrinterId(p.id);
        if (p.templateId) setTemplateId(p.templateId);
      }
    });
    void oms['labelTemplates.list']({}).then((r) => {
      if (!r.ok) return;
      setTemplates(r.data.rows.map((x) => ({ id: x.id, name: x.name })));
      setTemplateId((cur) => cur || (r.data.rows[0]?.id ?? ''));
    });
  }, []);

  const units = which === 'selected' && unitIds && unitIds.length > 0 ? { unitIds } : {};

  const print = async () => {
    if (saving || !printerId) return;
    setSaving(true);
    const r = await oms['labels.print']({ asnId, printerId, ...(templateId ? { templateId } : {}), ...units });
    setSaving(false);
    if (!r.ok) return setFailure(r.error);
    showToast(t('printing.labels.queued', { count: r.data.labels }));
    onClose();
  };

  const downloadPdf = async () => {
    if (saving || !templateId) return;
    setSaving(true);
    const r = await oms['labels.render']({ asnId, templateId, format: 'pdf', ...units });
    setSaving(false);
    if (!r.ok) return setFailure(r.error);
    downloadBase64(r.data.base64, r.data.fileName, r.data.mime);
  };

  const choose = (id: string) => {
    setPrinterId(id);
    const p = printers?.find((x) => x.id === id);
    if (p?.templateId) setTemplateId(p.templateId);
  };

  return (
    <Dialog
      title={t('printing.labels.title')}
      onCancel={onClose}
      onSubmit={() => void print()}
      footer={
        <>
          <button type="button" className="btn" disabled={saving || !templateId} onClick={() => void downloadPdf()}>
            {t('printing.labels.downloadPdf')}
          </button>
          <DialogFooter
            keys={t('printing.keys.form')}
            confirm={t('printing.labels.print')}
            saving={saving}
            onCancel={onClose}
            disabled={!printerId}
          />
        </>
      }
    >
      <ErrorBanner error={failure} />
      <div className="form-body">
        {printers && printers.length === 0 ? (
          <p className="banner banner-warn">{t('printing.labels.noPrinter')}</p>
        ) : null}
        <div className="field">
          <label htmlFor="labels-printer">{t('printing.labels.printer')}</label>
          <select id="labels-printer" value={printerId} onChange={(e) => choose(e.target.value)}>
            {(printers ?? []).map((p) => (
              <option key={p.id} value={p.id}>
                {p.name} ({t(`printing.languages.${p.language}`)})
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="labels-template">{t('printing.labels.template')}</label>
          <select id="labels-template" value={templateId} onChange={(e) => setTemplateId(e.target.value)}>
            {templates.map((x) => (
              <option key={x.id} value={x.id}>
                {x.name}
              </option>
            ))}
          </select>
        </div>
        {unitIds && unitIds.length > 0 ? (
          <fieldset className="field">
            <legend>{t('printing.labels.which')}</legend>
            <div className="radio-row">
              <label>
                <input
                  type="radio"
                  name="labels-which"
                  checked={which === 'selected'}
                  onChange={() => setWhich('selected')}
                />{' '}
                {t('printing.labels.selected', { count: unitIds.length })}
              </label>
              <label>
                <input type="radio" name="labels-which" checked={which === 'all'} onChange={() => setWhich('all')} />{' '}
                {t('printing.labels.all')}
              </label>
            </div>
          </fieldset>
        ) : null}
      </div>
    </Dialog>
  );
}

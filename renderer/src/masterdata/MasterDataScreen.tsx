import { AgGridReact } from 'ag-grid-react';
import type { CellKeyDownEvent, ColDef, GridApi, GridReadyEvent, RowDoubleClickedEvent } from 'ag-grid-community';
import {
  useCallback,
  useEffect,
  useMemo,
  useRef,
  useState,
  type KeyboardEvent as ReactKeyboardEvent,
  type ReactNode,
} from 'react';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import type { AppErrorData } from '../../../core/errors.ts';
import { errorText } from '../i18n/messages.ts';
import { useUi } from '../state/ui.ts';
import type { BaseRecord } from './columns.ts';
import { EntityForm } from './EntityForm.tsx';
import { GRID_LOCALE_ZH, gridTheme } from './grid.ts';
import type { EntitySpec } from './specs.ts';

interface Props<R extends BaseRecord, S extends z.ZodType> {
  spec: EntitySpec<R, S>;
  /** Optional panel under the grid for the selected record (e.g. a warehouse's locations). */
  detail?: (selected: R | null) => ReactNode;
}

type Editing<R> = { mode: 'new' } | { mode: 'edit'; record: R } | null;

export function MasterDataScreen<R extends BaseRecord, S extends z.ZodType>({ spec, detail }: Props<R, S>) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const showToast = useUi((s) => s.showToast);
  const [rows, setRows] = useState<R[] | null>(null);
  const [loadError, setLoadError] = useState<AppErrorData | null>(null);
  const [search, setSearch] = useState('');
  const [editing, setEditing] = useState<Editing<R>>(null);
  const [selected, setSelected] = useState<R | null>(null);
  const [shown, setShown] = useState(0);
  const apiRef = useRef<GridApi<R> | null>(null);
  const pendingSelect = useRef<string | null>(null);
  const searchRef = useRef<HTMLInputElement>(null);

  const load = useCallback(async () => {
    const result = await spec.list();
    if (result.ok) {
      setRows(result.data.rows);
      setLoadError(null);
    } else {
      setRows((prev) => prev ?? []);
      setLoadError(result.error);
    }
  }, [spec]);

  useEffect(() => {
    void load();
  }, [load]);

  const columnDefs = useMemo<ColDef<R>[]>(() => spec.columns(t, lang), [spec, t, lang]);
  const defaultColDef = useMemo<ColDef<R>>(
    () => ({ sortable: true, filter: true, resizable: true, minWidth: 90, suppressHeaderMenuButton: false }),
    [],
  );

  const openNew = useCallback(() => setEditing({ mode: 'new' }), []);
  const openEdit = useCallback((record: R | null | undefined) => {
    if (record) setEditing({ mode: 'edit', record });
  }, []);

  // Alt+N: new record (e.code, so it also works where Alt+N types a character).
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (editing) return;
      if (event.altKey && !event.ctrlKey && !event.metaKey && event.code === 'KeyN') {
        event.preventDefault();
        openNew();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [editing, openNew]);

  const focusRow = (api: GridApi<R>, id: string) => {
    const node = api.getRowNode(id);
    if (!node) return false;
    node.setSelected(true, true);
    api.ensureNodeVisible(node, 'middle');
    const firstCol = api.getAllDisplayedColumns()[0];
    if (node.rowIndex !== null && firstCol) api.setFocusedCell(node.rowIndex, firstCol);
    return true;
  };

  const onRowDataUpdated = () => {
    const api = apiRef.current;
    if (!api) return;
    setShown(api.getDisplayedRowCount());
    const id = pendingSelect.current;
    if (id && focusRow(api, id)) pendingSelect.current = null;
  };

  const onSaved = (record: R) => {
    setEditing(null);
    pendingSelect.current = record.id;
    setSelected(record);
    showToast(t('common.saved'));
    // Show the saved record right away, then reload the list from the source of truth.
    setRows((prev) => {
      const list = prev ?? [];
      const at = list.findIndex((r) => r.id === record.id);
      return at >= 0 ? list.map((r) => (r.id === record.id ? record : r)) : [...list, record];
    });
    void load();
  };

  const onCancel = () => {
    setEditing(null);
    const api = apiRef.current;
    const current = selected;
    requestAnimationFrame(() => {
      if (api && current) focusRow(api, current.id);
      else searchRef.current?.focus();
    });
  };

  const onSearchKey = (event: ReactKeyboardEvent<HTMLInputElement>) => {
    const api = apiRef.current;
    if (!api) return;
    if (event.key === 'ArrowDown' || (event.key === 'Enter' && !event.nativeEvent.isComposing)) {
      const firstRow = api.getDisplayedRowAtIndex(0);
      const firstCol = api.getAllDisplayedColumns()[0];
      if (!firstRow || !firstCol) return;
      event.preventDefault();
      firstRow.setSelected(true, true);
      api.ensureIndexVisible(0);
      api.setFocusedCell(0, firstCol);
    }
  };

  const title = t(`nav.${spec.view}`);
  const loading = rows === null;

  return (
    <section className="screen" aria-labelledby="screen-title">
      <div className="screen-head">
        <div className="screen-title">
          <h1 id="screen-title">{title}</h1>
          <span className="count">{loading ? t('common.loading') : t('common.records', { count: shown })}</span>
        </div>
        <div className="toolbar">
          <div className="search">
            <label htmlFor="quick-search" className="visually-hidden">
              {t('common.quickSearch')}
            </label>
            <input
              ref={searchRef}
              id="quick-search"
              type="search"
              value={search}
              placeholder={t('common.quickSearchPlaceholder')}
              autoComplete="off"
              onChange={(e) => setSearch(e.target.value)}
              onKeyDown={onSearchKey}
            />
          </div>
          <button type="button" className="btn" onClick={() => void load()}>
            {t('common.refresh')}
          </button>
          <button type="button" className="btn" disabled={!selected} onClick={() => openEdit(selected)}>
            {t('common.edit')}
          </button>
          <button type="button" className="btn btn-primary" onClick={openNew} aria-keyshortcuts="Alt+N" title="Alt+N">
            {t('common.new')}
            <kbd aria-hidden="true">Alt+N</kbd>
          </button>
        </div>
      </div>
      {loadError ? (
        <div className="banner banner-error" role="alert">
          <p>{errorText(t, loadError)}</p>
        </div>
      ) : null}
      <div className={detail ? 'screen-body with-detail' : 'screen-body'}>
        <div className="grid-wrap" aria-label={t('common.gridLabel', { entity: title })} role="region">
          <AgGridReact<R>
            key={lang}
            theme={gridTheme}
            rowData={rows}
            loading={loading}
            columnDefs={columnDefs}
            defaultColDef={defaultColDef}
            getRowId={(p) => p.data.id}
            quickFilterText={search}
            animateRows={false}
            rowSelection={{ mode: 'singleRow', checkboxes: false, enableClickSelection: true }}
            localeText={lang === 'zh-CN' ? GRID_LOCALE_ZH : undefined}
            onGridReady={(e: GridReadyEvent<R>) => {
              apiRef.current = e.api;
            }}
            onRowDataUpdated={onRowDataUpdated}
            onFilterChanged={(e) => setShown(e.api.getDisplayedRowCount())}
            onSelectionChanged={(e) => setSelected(e.api.getSelectedRows()[0] ?? null)}
            onRowDoubleClicked={(e: RowDoubleClickedEvent<R>) => openEdit(e.data)}
            onCellKeyDown={(e: CellKeyDownEvent<R>) => {
              const ev = e.event;
              if (ev instanceof KeyboardEvent && ev.key === 'Enter' && !ev.isComposing) {
                ev.preventDefault();
                openEdit(e.data);
              }
            }}
          />
        </div>
        {detail ? detail(selected) : null}
      </div>
      {editing ? (
        <EntityForm
          key={editing.mode === 'edit' ? editing.record.id : 'new'}
          spec={spec}
          record={editing.mode === 'edit' ? editing.record : null}
          onSaved={onSaved}
          onCancel={onCancel}
        />
      ) : null}
    </section>
  );
}

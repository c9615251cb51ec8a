import { AgGridReact } from 'ag-grid-react';
import type {
  CellClassParams,
  CellClickedEvent,
  CellKeyDownEvent,
  ColDef,
  GridApi,
  IDatasource,
  IGetRowsParams,
  ValueFormatterParams,
} from 'ag-grid-community';
import { useEffect, useMemo, useRef, useState, type KeyboardEvent as ReactKeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { AppErrorData } from '../../../core/errors.ts';
import type { GroupBy } from '../../../core/inventory/schemas.ts';
import { oms } from '../api/client.ts';
import { errorText } from '../i18n/messages.ts';
import { GRID_LOCALE_ZH, gridTheme } from '../masterdata/grid.ts';
import type { Catalog } from './catalog.ts';
import { FreezeDialog } from './FreezeDialog.tsx';
import {
  FIGURES,
  formatQty,
  isExpired,
  isFigure,
  itemName,
  localToday,
  ownerOf,
  type Figure,
  type GridRow,
  type GridTotals,
} from './format.ts';
import { KeysetBook, loadBlock, type PageFetch } from './keyset.ts';
import { LedgerDialog } from './LedgerDialog.tsx';
import { useDebounced } from './useDebounced.ts';
import { WarehouseFilter } from './WarehouseFilter.tsx';

const BLOCK = 100;

/** Twelve columns side by side: a little less padding than the master-data lists. */
const stockTheme = gridTheme.withParams({ cellHorizontalPaddingScale: 0.7 });

/** A grid row, or the pinned totals row (its `cursor` is TOTAL). */
type StockRow = GridRow;
const TOTAL = '__total__';

interface Dims {
  warehouse: boolean;
  lot: boolean;
  owner: boolean;
}
const DIM_KEYS = ['warehouse', 'lot', 'owner'] as const satisfies readonly (keyof Dims & GroupBy)[];

export function StockTab({ catalog }: { catalog: Catalog }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const [search, setSearch] = useState('');
  const debouncedSearch = useDebounced(search.trim(), 300);
  const [warehouseId, setWarehouseId] = useState('');
  const [dims, setDims] = useState<Dims>({ warehouse: true, lot: true, owner: true });
  const [onlyFrozen, setOnlyFrozen] = useState(false);
  const [refreshTick, setRefreshTick] = useState(0);
  const [summary, setSummary] = useState<{ totals: GridTotals; count: number } | null>(null);
  const [loadError, setLoadError] = useState<AppErrorData | null>(null);
  const [selected, setSelected] = useState<GridRow | null>(null);
  const [drill, setDrill] = useState<{ row: GridRow; figure: Figure } | null>(null);
  const [freezeOpen, setFreezeOpen] = useState(false);
  const apiRef = useRef<GridApi<StockRow> | null>(null);
  const wrapRef = useRef<HTMLDivElement>(null);
  const generation = useRef(0);

  const today = useMemo(() => localToday(), []);
  const groupBy = useMemo<GroupBy[]>(() => ['item', ...DIM_KEYS.filter((d) => dims[d])], [dims]);

  // A new datasource per query: ag-grid drops its cache and asks for block 0 again.
  const datasource = useMemo<IDatasource>(() => {
    const gen = ++generation.current;
    const book = new KeysetBook();
    let count: number | undefined;
    const current = () => gen === generation.current;
    const fetchPage: PageFetch<GridRow> = async (after, limit) => {
      const result = await oms['inventory.grid']({
        groupBy,
        search: debouncedSearch || undefined,
        warehouseId: warehouseId || undefined,
        onlyFrozen: onlyFrozen || undefined,
        after,
        limit,
      });
      if (!current()) return null;
      if (!result.ok) {
        setLoadError(result.error);
        return null;
      }
      setLoadError(null);
      if (after === undefined) {
        count = result.data.count;
        setSummary({ totals: result.data.totals, count: result.data.count });
      }
      return result.data.rows;
    };
    return {
      rowCount: undefined,
      getRows: (params: IGetRowsParams<StockRow>) => {
        void loadBlock(book, params.startRow, params.endRow - params.startRow, fetchPage, (r) => r.cursor).then(
          (block) => {
            // Always answer, even for a replaced datasource: ag-grid counts the request as
            // running until it hears back (maxConcurrentDatasourceRequests) and ignores late answers.
            if (!block) params.failCallback();
            else params.successCallback(block.rows, block.lastRow ?? count);
          },
        );
      },
    };
    // refreshTick: a new datasource after a change (freeze) even with the same filters.
  }, [groupBy, debouncedSearch, warehouseId, onlyFrozen, refreshTick]);

  useEffect(() => {
    setSelected(null);
  }, [datasource]);

  const columnDefs = useMemo<ColDef<StockRow>[]>(() => {
    const dash = (p: ValueFormatterParams<StockRow>) =>
      p.node?.rowPinned ? '' : typeof p.value === 'string' && p.value !== '' ? p.value : '—';
    const figureCol = (figure: Figure): ColDef<StockRow> => ({
      colId: figure,
      field: figure,
      headerName: t(`inventory.figures.${figure}`),
      headerTooltip: t(`inventory.figureHints.${figure}`),
      type: 'rightAligned',
      width: 80,
      cellDataType: false,
      valueFormatter: (p) => (typeof p.value === 'number' ? formatQty(p.value) : ''),
      cellClass: (p: CellClassParams<StockRow>) => {
        const v = typeof p.value === 'number' ? p.value : 0;
        const cls = ['ag-right-aligned-cell', 'num'];
        if (!p.node.rowPinned) cls.push('drill');
        if (v === 0) cls.push('cell-zero');
        else if (figure === 'frozen') cls.push('cell-frozen');
        else if (v < 0) cls.push('cell-negative');
        return cls;
      },
    });
    return [
      {
        colId: 'sku',
        field: 'sku',
        headerName: t('inventory.columns.sku'),
        width: 100,
        cellClass: 'mono',
      },
      {
        colId: 'item',
        headerName: t('inventory.columns.item'),
        width: 160,
        minWidth: 130,
        valueGetter: (p) => (p.data ? itemName(p.data.itemName, p.data.itemNameEn, lang) : ''),
        tooltipValueGetter: (p) => (p.data && !p.node?.rowPinned ? `${p.data.sku} ${p.data.itemName}` : undefined),
      },
      {
        colId: 'warehouse',
        field: 'warehouseCode',
        headerName: t('inventory.columns.warehouse'),
        width: 88,
        hide: !dims.warehouse,
        cellClass: 'mono',
        tooltipValueGetter: (p) => p.data?.warehouseName ?? undefined,
      },
      {
        colId: 'lot',
        field: 'lot',
        headerName: t('inventory.columns.lot'),
        width: 112,
        hide: !dims.lot,
        cellClass: 'mono',
        tooltipValueGetter: (p) => (typeof p.value === 'string' && p.value ? p.value : undefined),
        valueFormatter: dash,
      },
      {
        colId: 'expiry',
        field: 'expiry',
        headerName: t('inventory.columns.expiry'),
        width: 96,
        hide: !dims.lot,
        cellClass: (p: CellClassParams<StockRow>) =>
          isExpired(typeof p.value === 'string' ? p.value : null, today) ? 'tabular cell-expired' : 'tabular',
        tooltipValueGetter: (p) =>
          isExpired(typeof p.value === 'string' ? p.value : null, today) ? t('inventory.stock.expired') : undefined,
        valueFormatter: dash,
      },
      {
        colId: 'owner',
        headerName: t('inventory.columns.owner'),
        width: 124,
        hide: !dims.owner,
        valueGetter: (p) => {
          if (!p.data || p.node?.rowPinned || p.data.ownerId === null) return '';
          const owner = ownerOf(p.data.ownerId, p.data.ownerName);
          return owner.kind === 'own'
            ? t('inventory.owner.own')
            : t('inventory.owner.consignment', { name: owner.name });
        },
        tooltipValueGetter: (p) => (typeof p.value === 'string' && p.value ? p.value : undefined),
        cellClass: (p: CellClassParams<StockRow>) =>
          p.data?.ownerId && p.data.ownerId !== 'own' ? 'cell-consignment' : undefined,
      },
      ...FIGURES.map(figureCol),
    ];
  }, [t, lang, dims, today]);

  const defaultColDef = useMemo<ColDef<StockRow>>(
    () => ({ sortable: false, filter: false, resizable: true, suppressHeaderMenuButton: true, minWidth: 70 }),
    [],
  );

  const pinnedBottom = useMemo<StockRow[] | undefined>(() => {
    if (!summary) return undefined;
    return [
      {
        itemId: '',
        sku: t('inventory.stock.total'),
        itemName: t('inventory.stock.groups', { count: summary.count, formatted: formatQty(summary.count) }),
        itemNameEn: null,
        baseUom: '',
        warehouseId: null,
        warehouseCode: null,
        warehouseName: null,
        lot: null,
        expiry: null,
        ownerId: null,
        ownerName: null,
        ...summary.totals,
        cursor: TOTAL,
      },
    ];
  }, [summary, t]);

  /**
   * The item column takes the width the others leave. ag-grid's own `flex` counts the vertical
   * scrollbar as free space here, which pushes the last figure under it.
   */
  const fitItemColumn = (api: GridApi<StockRow>) => {
    const wrap = wrapRef.current;
    if (!wrap) return;
    const scrollbar = wrap.querySelector('.ag-body-vertical-scroll')?.getBoundingClientRect().width ?? 16;
    const inner = (wrap.querySelector('.ag-root-wrapper')?.clientWidth ?? wrap.clientWidth) - scrollbar - 2;
    const others = api
      .getAllDisplayedColumns()
      .filter((c) => c.getColId() !== 'item')
      .reduce((sum, c) => sum + c.getActualWidth(), 0);
    const width = Math.max(130, Math.floor(inner - others));
    if (api.getColumn('item')?.getActualWidth() !== width) api.setColumnWidths([{ key: 'item', newWidth: width }]);
  };

  const openDrill = (row: StockRow | undefined, colId: string, pinned: boolean) => {
    if (!row || pinned || !isFigure(colId)) return;
    setDrill({ row, figure: colId });
  };

  const onSearchKey = (event: ReactKeyboardEvent<HTMLInputElement>) => {
    const api = apiRef.current;
    if (!api) return;
    if (event.key === 'ArrowDown' || (event.key === 'Enter' && !event.nativeEvent.isComposing)) {
      const firstCol = api.getAllDisplayedColumns()[0];
      if (!firstCol || !api.getDisplayedRowAtIndex(0)?.data) return;
      event.preventDefault();
      api.ensureIndexVisible(0);
      api.setFocusedCell(0, firstCol);
    }
  };

  const refresh = () => setRefreshTick((n) => n + 1);
  const countText =
    summary === null
      ? t('common.loading')
      : t('inventory.stock.rows', { count: summary.count, formatted: formatQty(summary.count) });

  return (
    <div className="inv-tab">
      <div className="inv-toolbar" role="group" aria-label={t('inventory.stock.filters')}>
        <div className="search">
          <label htmlFor="inv-search" className="visually-hidden">
            {t('common.quickSearch')}
          </label>
          <input
            id="inv-search"
            type="search"
            value={search}
            placeholder={t('inventory.stock.searchPlaceholder')}
            autoComplete="off"
            onChange={(e) => setSearch(e.target.value)}
            onKeyDown={onSearchKey}
          />
        </div>
        <WarehouseFilter id="inv-warehouse" catalog={catalog} value={warehouseId} onChange={setWarehouseId} />
        <label className="inv-check">
          <input type="checkbox" checked={onlyFrozen} onChange={(e) => setOnlyFrozen(e.target.checked)} />
          {t('inventory.stock.onlyFrozen')}
        </label>
        <span className="inv-spacer" />
        <span className="count" aria-live="polite">
          {countText}
        </span>
        <button type="button" className="btn" onClick={refresh}>
          {t('common.refresh')}
        </button>
        <button type="button" className="btn btn-primary" onClick={() => setFreezeOpen(true)}>
          {t('inventory.freeze.open')}
        </button>
      </div>
      <div className="inv-toolbar inv-subbar">
        <fieldset className="inv-dims">
          <legend>{t('inventory.stock.groupBy')}</legend>
          {DIM_KEYS.map((d) => (
            <label key={d} className="inv-check">
              <input
                type="checkbox"
                checked={dims[d]}
                onChange={(e) => setDims((prev) => ({ ...prev, [d]: e.target.checked }))}
              />
              {t(`inventory.stock.by.${d}`)}
            </label>
          ))}
        </fieldset>
        <span className="inv-spacer" />
        <span className="inv-hint muted">{t('inventory.stock.drillHint')}</span>
      </div>
      {loadError ? (
        <div className="banner banner-error" role="alert">
          <p>{errorText(t, loadError)}</p>
        </div>
      ) : null}
      <div className="grid-wrap" role="region" aria-label={t('inventory.stock.gridLabel')} ref={wrapRef}>
        <AgGridReact<StockRow>
          key={lang}
          theme={stockTheme}
          rowModelType="infinite"
          datasource={datasource}
          cacheBlockSize={BLOCK}
          maxConcurrentDatasourceRequests={1}
          maxBlocksInCache={100}
          infiniteInitialRowCount={1}
          alwaysShowVerticalScroll
          onGridSizeChanged={(e) => fitItemColumn(e.api)}
          onDisplayedColumnsChanged={(e) => fitItemColumn(e.api)}
          columnDefs={columnDefs}
          defaultColDef={defaultColDef}
          getRowId={(p) => p.data.cursor}
          pinnedBottomRowData={pinnedBottom}
          animateRows={false}
          tooltipShowDelay={600}
          rowSelection={{ mode: 'singleRow', checkboxes: false, enableClickSelection: 'enableSelection' }}
          localeText={lang === 'zh-CN' ? GRID_LOCALE_ZH : undefined}
          onGridReady={(e) => {
            apiRef.current = e.api;
            fitItemColumn(e.api);
          }}
          onSelectionChanged={(e) => setSelected(e.api.getSelectedRows()[0] ?? null)}
          onCellClicked={(e: CellClickedEvent<StockRow>) =>
            openDrill(e.data, e.column.getColId(), e.node.rowPinned != null)
          }
          onCellKeyDown={(e: CellKeyDownEvent<StockRow>) => {
            const ev = e.event;
            if (ev instanceof KeyboardEvent && ev.key === 'Enter' && !ev.isComposing) {
              ev.preventDefault();
              if (e.data && e.node.rowPinned == null) e.node.setSelected(true, true);
              openDrill(e.data, e.column.getColId(), e.node.rowPinned != null);
            }
          }}
        />
      </div>
      {drill ? <LedgerDialog row={drill.row} figure={drill.figure} onClose={() => setDrill(null)} /> : null}
      {freezeOpen ? (
        <FreezeDialog
          catalog={catalog}
          initial={selected}
          onCancel={() => setFreezeOpen(false)}
          onDone={() => {
            setFreezeOpen(false);
            refresh();
          }}
        />
      ) : null}
    </div>
  );
}

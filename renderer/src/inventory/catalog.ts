import { useCallback, useEffect, useMemo, useState } from 'react';
import type { AppErrorData } from '../../../core/errors.ts';
import type { ItemRecord, WarehouseRecord } from '../../../core/masterdata/schemas.ts';
import { oms } from '../api/client.ts';

/** Items (up to a few thousand) and warehouses, loaded once per screen: SKU → id for the forms. */
export interface Catalog {
  items: readonly ItemRecord[];
  warehouses: readonly WarehouseRecord[];
  itemById: ReadonlyMap<string, ItemRecord>;
  warehouseById: ReadonlyMap<string, WarehouseRecord>;
  /** The item with this SKU (case and surrounding spaces ignored), if any. */
  itemBySku: (sku: string) => ItemRecord | undefined;
  loaded: boolean;
  error: AppErrorData | null;
  reload: () => void;
}

export const skuKey = (sku: string): string => sku.trim().toUpperCase();

export function useCatalog(): Catalog {
  const [items, setItems] = useState<readonly ItemRecord[]>([]);
  const [warehouses, setWarehouses] = useState<readonly WarehouseRecord[]>([]);
  const [loaded, setLoaded] = useState(false);
  const [error, setError] = useState<AppErrorData | null>(null);
  const [tick, setTick] = useState(0);

  useEffect(() => {
    let alive = true;
    void (async () => {
      const [i, w] = await Promise.all([oms['items.list']({ limit: 10_000 }), oms['warehouses.list']({})]);
      if (!alive) return;
      if (i.ok) setItems(i.data.rows);
      if (w.ok) setWarehouses([...w.data.rows].sort((a, b) => a.code.localeCompare(b.code)));
      setError(!i.ok ? i.error : !w.ok ? w.error : null);
      setLoaded(true);
    })();
    return () => {
      alive = false;
    };
  }, [tick]);

  const reload = useCallback(() => setTick((n) => n + 1), []);

  return useMemo(() => {
    const bySku = new Map(items.map((i) => [skuKey(i.sku), i]));
    return {
      items,
      warehouses,
      itemById: new Map(items.map((i) => [i.id, i])),
      warehouseById: new Map(warehouses.map((w) => [w.id, w])),
      itemBySku: (sku: string) => bySku.get(skuKey(sku)),
      loaded,
      error,
      reload,
    };
  }, [items, warehouses, loaded, error, reload]);
}

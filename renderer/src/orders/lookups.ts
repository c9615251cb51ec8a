import { useEffect, useMemo, useState } from 'react';
import type { CarrierRecord, SalesChannelRecord } from '../../../core/masterdata/schemas.ts';
import { oms } from '../api/client.ts';
import type { Catalog } from '../inventory/catalog.ts';
import { itemName } from '../inventory/format.ts';
import type { Names } from './format.ts';

/** Carriers and sales channels (short lists), loaded once per screen. */
export interface Lookups {
  carriers: readonly CarrierRecord[];
  channels: readonly SalesChannelRecord[];
}

export function useLookups(): Lookups {
  const [carriers, setCarriers] = useState<readonly CarrierRecord[]>([]);
  const [channels, setChannels] = useState<readonly SalesChannelRecord[]>([]);
  useEffect(() => {
    let alive = true;
    void Promise.all([oms['carriers.list']({}), oms['salesChannels.list']({})]).then(([c, s]) => {
      if (!alive) return;
      if (c.ok) setCarriers(c.data.rows);
      if (s.ok) setChannels(s.data.rows);
    });
    return () => {
      alive = false;
    };
  }, []);
  return useMemo(() => ({ carriers, channels }), [carriers, channels]);
}

/** Item and warehouse names for check figures and reservations, from the loaded catalog. */
export function namesOf(catalog: Catalog, lang: string): Names {
  return {
    item: (id) => {
      const i = catalog.itemById.get(id);
      return i ? `${i.sku} ${itemName(i.name, i.nameEn, lang)}` : undefined;
    },
    warehouse: (id) => catalog.warehouseById.get(id)?.code,
  };
}

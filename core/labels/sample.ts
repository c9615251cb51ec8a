import type { LabelData } from './data.ts';

/**
 * One carton as the template editor previews it and as the round-trip tests print it: Chinese
 * and English text, every AI of the content barcode, a valid SSCC and GTIN (prefix 690 = China).
 */
export const SAMPLE_LABEL_DATA: LabelData = {
  sscc: '369012340000001236',
  from: {
    name: '上海东岸食品有限公司 Dongan Foods',
    address: ['上海市浦东新区张江路 88 号', 'Zhangjiang Rd 88, Pudong, Shanghai'],
    gln: '6901234000009',
    postcode: '201203',
  },
  to: {
    name: '码头边仓储 Dockside Warehouse 3 号库',
    address: ['江苏省苏州市工业园区星湖街 328 号', '收货门 Dock 4'],
    gln: '6909876000005',
    postcode: '215123',
  },
  purchaseOrder: 'PO-2024-00017',
  asnNumber: 'ASN-000042',
  shipDate: '2024-06-12',
  unit: { kind: 'carton', index: 2, count: 5 },
  content: {
    gtin: '06901234000153',
    count: 24,
    batch: 'L240601-A',
    expiry: '2025-12-31',
    itemCode: 'SKU-1001',
    itemName: '冷冻水饺 猪肉白菜 1kg Frozen dumplings',
  },
  grossWeightGrams: 12_500,
};

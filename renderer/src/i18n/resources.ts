import en from './en.json';
import zhCN from './zh-CN.json';
import dockEn from './areas/dock.en.json';
import dockZh from './areas/dock.zh-CN.json';
import gs1En from './areas/gs1.en.json';
import gs1Zh from './areas/gs1.zh-CN.json';
import labelEditorEn from './areas/labelEditor.en.json';
import labelEditorZh from './areas/labelEditor.zh-CN.json';
import labelsEn from './areas/labels.en.json';
import labelsZh from './areas/labels.zh-CN.json';
import printingEn from './areas/printing.en.json';
import printingZh from './areas/printing.zh-CN.json';

type Dict = { [key: string]: string | Dict };

/**
 * One dictionary per language, merged from the base file and one file per area (dock, labels, label editor,
 * printing, GS1), so areas built side by side never edit the same file.
 */
function merge(...parts: unknown[]): Dict {
  const out: Dict = {};
  for (const part of parts)
    for (const [k, v] of Object.entries(part as Dict)) {
      const prev = out[k];
      out[k] = typeof v === 'object' && typeof prev === 'object' ? merge(prev, v) : v;
    }
  return out;
}

export const messagesEn = merge(en, gs1En, labelsEn, labelEditorEn, printingEn, dockEn);
export const messagesZhCN = merge(zhCN, gs1Zh, labelsZh, labelEditorZh, printingZh, dockZh);

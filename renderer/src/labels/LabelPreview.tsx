import { useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { AppErrorData, FieldIssue } from '../../../core/errors.ts';
import { oms } from '../api/client.ts';
import { errorText } from '../i18n/messages.ts';
import { useDebounced } from '../inventory/useDebounced.ts';
import { elementBounds, moveElement, type Check, type Draft, type DraftElement } from './draft.ts';
import { labelIssueText } from './fields.tsx';

interface Props {
  draft: Draft;
  check: Check;
  selected: number | null;
  readOnly: boolean;
  onSelect: (index: number) => void;
  onChangeElement: (index: number, next: DraftElement) => void;
}

interface Rendered {
  key: string;
  url: string;
  widthMm: number;
  heightMm: number;
}

const DEBOUNCE_MS = 300;

/**
 * The live preview: the main process renders the template as it stands (same renderer as the
 * PNG and PDF outputs) once the clerk has paused for 300 ms. A template that does not validate is
 * not sent; the last good picture stays, dimmed, with the issues listed under it, and nothing
 * the clerk typed is touched. Elements can be picked and dragged on it (arrow keys too).
 */
export function LabelPreview({ draft, check, selected: selectedIndex, readOnly, onSelect, onChangeElement }: Props) {
  const { t } = useTranslation();
  const validKey = check.ok ? JSON.stringify(check.template) : null;
  const settledKey = useDebounced(validKey, DEBOUNCE_MS);
  const [rendered, setRendered] = useState<Rendered | null>(null);
  const [failure, setFailure] = useState<{ key: string; error: AppErrorData } | null>(null);
  const [busy, setBusy] = useState(false);
  const seq = useRef(0);

  useEffect(() => {
    if (settledKey === null) return;
    const mine = ++seq.current;
    setBusy(true);
    const template = JSON.parse(settledKey) as { widthMm: number; heightMm: number };
    void oms['labels.preview']({ template, format: 'svg' }).then((result) => {
      // A slower answer to an older version must not replace a newer picture.
      if (mine !== seq.current) return;
      setBusy(false);
      if (result.ok) {
        setRendered({
          key: settledKey,
          url: `data:image/svg+xml;charset=utf-8,${encodeURIComponent(result.data.content)}`,
          widthMm: template.widthMm,
          heightMm: template.heightMm,
        });
        setFailure(null);
      } else setFailure({ key: settledKey, error: result.error });
    });
  }, [settledKey]);

  // Fit the paper into the stage whatever the label's proportions.
  const stageRef = useRef<HTMLDivElement>(null);
  const [stage, setStage] = useState({ w: 0, h: 0 });
  useLayoutEffect(() => {
    const el = stageRef.current;
    if (!el) return;
    const observer = new ResizeObserver(([entry]) => {
      if (entry) setStage({ w: entry.contentRect.width, h: entry.contentRect.height });
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  const stale = rendered !== null && (validKey === null || rendered.key !== validKey);
  const localIssues: FieldIssue[] = check.ok ? [] : (check.error.details?.fields ?? []);
  const previewError = failure && failure.key === validKey ? failure.error : null;

  const wMm = rendered?.widthMm ?? 100;
  const hMm = rendered?.heightMm ?? 150;
  const scale = stage.w > 0 && stage.h > 0 ? Math.min(stage.w / wMm, stage.h / hMm) : 0;

  // Dragging: the element as it was when the pointer went down, and where it went down (mm).
  const drag = useRef<{ index: number; start: { x: number; y: number }; orig: DraftElement; pointer: number } | null>(
    null,
  );
  const toMm = (e: PointerEvent<SVGSVGElement>) => {
    const box = e.currentTarget.getBoundingClientRect();
    return { x: ((e.clientX - box.left) / box.width) * wMm, y: ((e.clientY - box.top) / box.height) * hMm };
  };
  const onPointerDown = (e: PointerEvent<SVGSVGElement>) => {
    const p = toMm(e);
    // The element drawn last is on top.
    for (let i = draft.elements.length - 1; i >= 0; i--) {
      const el = draft.elements[i]!;
      const b = elementBounds(el);
      if (!b || p.x < b.x - 1 || p.x > b.x + b.w + 1 || p.y < b.y - 1 || p.y > b.y + b.h + 1) continue;
      onSelect(i);
      if (!readOnly) {
        drag.current = { index: i, start: p, orig: el, pointer: e.pointerId };
        e.currentTarget.setPointerCapture(e.pointerId);
      }
      return;
    }
  };
  const onPointerMove = (e: PointerEvent<SVGSVGElement>) => {
    const d = drag.current;
    if (!d || d.pointer !== e.pointerId) return;
    const p = toMm(e);
    const dx = p.x - d.start.x;
    const dy = p.y - d.start.y;
    if (Math.abs(dx) < 0.2 && Math.abs(dy) < 0.2) return;
    onChangeElement(d.index, moveElement(d.orig, dx, dy));
  };
  const endDrag = () => {
    drag.current = null;
  };
  const selected = selectedIndex === null ? null : (draft.elements[selectedIndex] ?? null);
  const onKeyDown = (e: KeyboardEvent<SVGSVGElement>) => {
    if (readOnly || !selected) return;
    const step = e.shiftKey ? 5 : 0.5;
    const delta: Record<string, [number, number]> = {
      ArrowLeft: [-step, 0],
      ArrowRight: [step, 0],
      ArrowUp: [0, -step],
      ArrowDown: [0, step],
    };
    const d = delta[e.key];
    if (!d) return;
    e.preventDefault();
    onChangeElement(selectedIndex!, moveElement(selected, d[0], d[1]));
  };
  const selBounds = selected ? elementBounds(selected) : null;

  return (
    <div className="le-preview">
      <div className="le-preview-bar">
        <span className="muted">{t('labelEditor.preview.sample')}</span>
        <span
          className={busy || stale ? 'le-status tone-progress' : 'le-status tone-good'}
          role="status"
          data-testid="preview-status"
        >
          {validKey === null
            ? t('labelEditor.preview.notUpdated')
            : busy || stale
              ? t('labelEditor.preview.updating')
              : previewError
                ? t('labelEditor.preview.failed')
                : t('labelEditor.preview.upToDate')}
        </span>
      </div>
      <div ref={stageRef} className="le-stage">
        {rendered && scale > 0 ? (
          <div
            className={stale || previewError ? 'le-paper le-stale' : 'le-paper'}
            style={{ width: wMm * scale, height: hMm * scale }}
          >
            <img
              src={rendered.url}
              alt={t('labelEditor.preview.alt', { name: draft.name })}
              data-testid="label-preview"
              draggable={false}
            />
            <svg
              className="le-overlay"
              viewBox={`0 0 ${wMm} ${hMm}`}
              tabIndex={0}
              role="application"
              aria-label={t('labelEditor.preview.canvas')}
              onPointerDown={onPointerDown}
              onPointerMove={onPointerMove}
              onPointerUp={endDrag}
              onPointerCancel={endDrag}
              onKeyDown={onKeyDown}
            >
              {selBounds ? (
                <rect
                  className="le-selection"
                  x={selBounds.x - 0.6}
                  y={selBounds.y - 0.6}
                  width={selBounds.w + 1.2}
                  height={selBounds.h + 1.2}
                  vectorEffect="non-scaling-stroke"
                />
              ) : null}
            </svg>
          </div>
        ) : (
          <p className="muted le-waiting">
            {validKey === null ? t('labelEditor.preview.nothingYet') : t('labelEditor.preview.updating')}
          </p>
        )}
      </div>
      {localIssues.length > 0 || (!check.ok && localIssues.length === 0) ? (
        <div className="banner banner-error le-issues" role="alert" data-testid="template-issues">
          <p>
            <strong>{t('labelEditor.preview.invalid')}</strong>
          </p>
          {localIssues.length === 0 && !check.ok ? <p>{errorText(t, check.error)}</p> : null}
          <ul>
            {localIssues.map((issue, i) => (
              <IssueItem key={i} issue={issue} draft={draft} onSelect={onSelect} />
            ))}
          </ul>
        </div>
      ) : null}
      {previewError ? (
        <div className="banner banner-error le-issues" role="alert" data-testid="preview-error">
          <p>{errorText(t, previewError)}</p>
          {typeof previewError.details?.['cause'] === 'string' ? (
            <p>
              {errorText(t, {
                code: previewError.details['cause'] as AppErrorData['code'],
                details: previewError.details,
              })}
            </p>
          ) : null}
          {typeof previewError.details?.['element'] === 'string' &&
          draft.elements.some((e) => e.id === previewError.details?.['element']) ? (
            <button
              type="button"
              className="btn btn-small"
              onClick={() => onSelect(draft.elements.findIndex((e) => e.id === previewError.details?.['element']))}
            >
              {t('labelEditor.preview.showElement', { id: previewError.details['element'] })}
            </button>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}

function IssueItem({ issue, draft, onSelect }: { issue: FieldIssue; draft: Draft; onSelect: (index: number) => void }) {
  const { t } = useTranslation();
  const m = /^elements\.(\d+)(?:\.(.+))?$/.exec(issue.path);
  const index = m ? Number(m[1]) : -1;
  const el = draft.elements[index];
  const field = m ? (m[2] ?? '') : issue.path;
  const where = el
    ? field
      ? t('labelEditor.issueAt.elementField', {
          id: el.id,
          field: t(`labelEditor.paths.${field.split('.')[0]}`, { defaultValue: field }),
        })
      : t('labelEditor.issueAt.element', { id: el.id })
    : t(`labelEditor.paths.${field}`, { defaultValue: field });
  return (
    <li>
      {el ? (
        <button type="button" className="btn-link" onClick={() => onSelect(index)}>
          {where}
        </button>
      ) : (
        <span>{where}</span>
      )}
      {t('common.colon')}
      {labelIssueText(t, issue)}
    </li>
  );
}

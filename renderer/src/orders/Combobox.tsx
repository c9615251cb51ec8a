import {
  useEffect,
  useId,
  useRef,
  useState,
  type InputHTMLAttributes,
  type KeyboardEvent,
  type ReactNode,
  type Ref,
} from 'react';

interface Props<T> {
  id: string;
  text: string;
  onText: (text: string) => void;
  /** Whether `text` is the label of a picked option (then Enter moves on instead of searching). */
  picked: boolean;
  /** Reads options for the text; null when the read failed. */
  search: (text: string) => Promise<readonly T[] | null>;
  optionKey: (option: T) => string;
  renderOption: (option: T) => ReactNode;
  /** An option the text names exactly (a SKU, a code, a scanned GTIN): Enter takes it at once. */
  exact?: (option: T, text: string) => boolean;
  onPick: (option: T) => void;
  /** Enter on a picked value: the keyboard entry moves to the next field. */
  onAdvance?: () => void;
  /** Enter with nothing typed (e.g. to leave the lines for the Save button). */
  onEmptyEnter?: () => void;
  inputRef?: Ref<HTMLInputElement>;
  inputProps?: InputHTMLAttributes<HTMLInputElement> & Record<`data-${string}`, string>;
  /** Shown in the list when the search found nothing. */
  emptyText: string;
  debounceMs?: number;
}

/**
 * A keyboard-first combobox (WAI-ARIA pattern): type, the options follow (debounced); arrows
 * move, Enter or Tab takes the highlighted one, Esc closes the list. Enter right after typing
 * (a barcode scanner ends with Enter) searches at once and takes the exact or only match.
 */
export function Combobox<T>({
  id,
  text,
  onText,
  picked,
  search,
  optionKey,
  renderOption,
  exact,
  onPick,
  onAdvance,
  onEmptyEnter,
  inputRef,
  inputProps,
  emptyText,
  debounceMs = 180,
}: Props<T>) {
  const listId = `${useId().replaceAll(':', '')}-list`;
  const [options, setOptions] = useState<readonly T[]>([]);
  const [resultsFor, setResultsFor] = useState<string | null>(null);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const seq = useRef(0);
  const searchRef = useRef(search);
  searchRef.current = search;

  const run = async (query: string): Promise<readonly T[] | null> => {
    const mine = ++seq.current;
    const rows = await searchRef.current(query);
    if (mine !== seq.current) return null;
    setOptions(rows ?? []);
    setResultsFor(query);
    setActive(0);
    return rows;
  };

  // Options follow the typing (not once a value is picked).
  useEffect(() => {
    const q = text.trim();
    if (picked || !q) {
      seq.current += 1;
      setOptions([]);
      setResultsFor(null);
      setOpen(false);
      return;
    }
    const timer = window.setTimeout(() => {
      void run(q).then((rows) => {
        if (rows !== null) setOpen(true);
      });
    }, debounceMs);
    return () => window.clearTimeout(timer);
    // `run` reads the latest search through a ref.
  }, [text, picked, debounceMs]);

  const take = (option: T) => {
    seq.current += 1;
    setOpen(false);
    setOptions([]);
    setResultsFor(null);
    onPick(option);
  };

  const chooseFrom = (rows: readonly T[], q: string, index: number) => {
    const hit = (exact ? rows.find((r) => exact(r, q)) : undefined) ?? (rows.length === 1 ? rows[0] : undefined);
    if (hit !== undefined) take(hit);
    else if (rows.length > 0) {
      const at = rows[Math.min(index, rows.length - 1)];
      if (at !== undefined && index >= 0 && open) take(at);
      else setOpen(true);
    } else setOpen(true);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.nativeEvent.isComposing || event.keyCode === 229) return;
    const q = text.trim();
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      if (!open) {
        if (q && !picked) {
          event.preventDefault();
          void run(q).then((rows) => rows !== null && setOpen(true));
        }
        return;
      }
      event.preventDefault();
      const n = options.length;
      if (n === 0) return;
      setActive((a) => (event.key === 'ArrowDown' ? (a + 1) % n : (a - 1 + n) % n));
    } else if (event.key === 'Enter') {
      if (event.ctrlKey || event.metaKey) return; // Ctrl+Enter belongs to the form
      event.preventDefault();
      event.stopPropagation();
      if (!q) {
        onEmptyEnter?.();
        return;
      }
      if (picked) {
        onAdvance?.();
        return;
      }
      if (open && resultsFor === q && options.length > 0) {
        const highlighted = options[active];
        const exactHit = exact ? options.find((r) => exact(r, q)) : undefined;
        // The clerk moved the highlight: that one; otherwise the exact match, else the highlighted.
        const choice = active > 0 ? highlighted : (exactHit ?? highlighted);
        if (choice !== undefined) take(choice);
        return;
      }
      // Typed (or scanned) and Enter at once: search now.
      void run(q).then((rows) => {
        if (rows !== null) chooseFrom(rows, q, -1);
      });
    } else if (event.key === 'Escape') {
      if (open) {
        event.preventDefault();
        event.stopPropagation();
        setOpen(false);
      }
    } else if (event.key === 'Tab') {
      if (open && resultsFor === q && !picked) {
        const choice = options[active];
        if (choice !== undefined) take(choice);
      }
    }
  };

  const activeOption = open ? options[active] : undefined;
  return (
    <div className="combo">
      <input
        {...inputProps}
        id={id}
        ref={inputRef}
        type="text"
        role="combobox"
        autoComplete="off"
        spellCheck={false}
        aria-autocomplete="list"
        aria-expanded={open}
        aria-controls={listId}
        aria-activedescendant={activeOption !== undefined ? `${listId}-${optionKey(activeOption)}` : undefined}
        value={text}
        onChange={(e) => onText(e.target.value)}
        onKeyDown={onKeyDown}
        onBlur={() => setOpen(false)}
      />
      {open ? (
        <ul className="combo-list" role="listbox" id={listId}>
          {options.length === 0 ? (
            <li className="combo-empty" role="presentation">
              {emptyText}
            </li>
          ) : (
            options.map((o, i) => (
              <li
                key={optionKey(o)}
                id={`${listId}-${optionKey(o)}`}
                role="option"
                aria-selected={i === active}
                className={i === active ? 'combo-option active' : 'combo-option'}
                // Keep the focus in the input: mousedown would blur it before the click.
                onMouseDown={(e) => e.preventDefault()}
                onClick={() => take(o)}
              >
                {renderOption(o)}
              </li>
            ))
          )}
        </ul>
      ) : null}
    </div>
  );
}

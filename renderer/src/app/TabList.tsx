import { useRef, type KeyboardEvent } from 'react';

/**
 * The tab row of a centre (orders, inventory, dock): ARIA tabs whose arrow keys move between
 * tabs and open them, Home/End jump to the ends. Panels use `${idPrefix}-panel-${id}`.
 */
export function TabList<T extends string>(props: {
  tabs: readonly T[];
  current: T;
  onChange: (tab: T) => void;
  idPrefix: string;
  label: string;
  labelOf: (tab: T) => string;
}) {
  const { tabs, current, onChange, idPrefix } = props;
  const refs = useRef<Partial<Record<T, HTMLButtonElement | null>>>({});
  const onKey = (event: KeyboardEvent<HTMLButtonElement>) => {
    const at = tabs.indexOf(current);
    let next: number | null = null;
    if (event.key === 'ArrowRight') next = (at + 1) % tabs.length;
    else if (event.key === 'ArrowLeft') next = (at - 1 + tabs.length) % tabs.length;
    else if (event.key === 'Home') next = 0;
    else if (event.key === 'End') next = tabs.length - 1;
    const target = next === null ? undefined : tabs[next];
    if (target === undefined) return;
    event.preventDefault();
    onChange(target);
    refs.current[target]?.focus();
  };
  return (
    <div className="tabs" role="tablist" aria-label={props.label}>
      {tabs.map((id) => (
        <button
          key={id}
          ref={(el) => {
            refs.current[id] = el;
          }}
          type="button"
          role="tab"
          id={`${idPrefix}-tab-${id}`}
          className={id === current ? 'tab active' : 'tab'}
          aria-selected={id === current}
          aria-controls={`${idPrefix}-panel-${id}`}
          tabIndex={id === current ? 0 : -1}
          onClick={() => onChange(id)}
          onKeyDown={onKey}
        >
          {props.labelOf(id)}
        </button>
      ))}
    </div>
  );
}

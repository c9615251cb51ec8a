import { scanParts, showScan } from './scanner.ts';

/** A raw scan with its GS separators marked (they are invisible characters otherwise). */
export function ScanText({ scan, className }: { scan: string; className?: string }) {
  const parts = scanParts(scan);
  return (
    <span className={className} title={showScan(scan)}>
      {parts.map((p, i) => (
        <span key={i}>
          {i > 0 ? (
            <abbr className="gs-mark" title="GS (ASCII 29)">
              GS
            </abbr>
          ) : null}
          {p}
        </span>
      ))}
    </span>
  );
}

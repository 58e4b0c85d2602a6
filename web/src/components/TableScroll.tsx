import type { ReactNode } from 'react';

/** A wide table's frame: it scrolls sideways on a narrow screen, and takes the focus so the keyboard can scroll it. */
export function TableScroll({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="table-scroll" role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  );
}

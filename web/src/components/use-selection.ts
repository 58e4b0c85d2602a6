import { useCallback, useState } from 'react';

/** Rows picked by id: `toggle(ids, on)` adds or removes several at once; `clear` empties it. */
export function useSelection(): { selected: ReadonlySet<string>; toggle: (ids: string[], on: boolean) => void; clear: () => void } {
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const toggle = useCallback(
    (ids: string[], on: boolean) =>
      setSelected((current) => {
        const next = new Set(current);
        for (const id of ids) if (on) next.add(id);
        else next.delete(id);
        return next;
      }),
    [],
  );
  const clear = useCallback(() => setSelected(new Set()), []);
  return { selected, toggle, clear };
}

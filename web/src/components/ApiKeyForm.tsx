import { useId, useState, type KeyboardEvent } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { setApiKey } from '../api/api-key.js';

/**
 * Shown when the API asks for a key: the user enters one and every view loads again with it.
 * A group rather than a form, since it may sit inside the submit form; several may show at once
 * (each view that was refused has one), so each has its own id.
 */
export function ApiKeyForm({ onSaved }: { onSaved?: () => void }) {
  const id = useId();
  const [key, setKey] = useState('');
  const queryClient = useQueryClient();

  function save() {
    if (!key.trim()) return;
    setApiKey(key.trim());
    void queryClient.invalidateQueries();
    onSaved?.();
  }

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key !== 'Enter') return;
    event.preventDefault();
    save();
  }

  return (
    <div className="api-key-form" role="group" aria-label="Enter an API key">
      <label htmlFor={id}>API key</label>
      <input id={id} type="password" autoComplete="off" value={key} onChange={(e) => setKey(e.target.value)} onKeyDown={onKeyDown} />
      <button type="button" onClick={save}>
        Use key
      </button>
    </div>
  );
}

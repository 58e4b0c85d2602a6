import { useState } from 'react';

/** Copies a text to the clipboard and says whether it did, beside the button. */
export function CopyButton({ text, label }: { text: string; label: string }) {
  const [outcome, setOutcome] = useState<'copied' | 'failed' | null>(null);
  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
      setOutcome('copied');
    } catch {
      setOutcome('failed');
    }
  }
  return (
    <span className="copy">
      <button type="button" className="button-secondary button-small" aria-label={label} onClick={() => void copy()}>
        Copy
      </button>
      <span role="status" className="copy-outcome">
        {outcome === 'copied' ? 'Copied' : outcome === 'failed' ? 'Could not copy: select the text instead' : ''}
      </span>
    </span>
  );
}

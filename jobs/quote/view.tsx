import { defineJobView } from '../../web/src/job-view-kit.js';
import type contract from './contract.js';

// Styled here rather than in the web UI's stylesheet, which knows no job type.
export default defineJobView<typeof contract>(({ output }) => (
  <figure style={{ margin: 0 }}>
    <blockquote style={{ margin: '0 0 0.5rem', fontSize: '1.2rem', fontStyle: 'italic' }}>{output.content}</blockquote>
    <figcaption>— {output.author}</figcaption>
    {output.tags.length > 0 && <p className="muted">Tags: {output.tags.join(', ')}</p>}
  </figure>
));

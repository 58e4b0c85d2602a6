import { defineJobView } from '../../web/src/job-view-kit.js';
import type contract from './contract.js';

export default defineJobView<typeof contract>(({ output }) => (
  <figure className="quotation">
    <blockquote>{output.content}</blockquote>
    <figcaption>— {output.author}</figcaption>
    {output.tags.length > 0 && <p className="muted">Tags: {output.tags.join(', ')}</p>}
  </figure>
));

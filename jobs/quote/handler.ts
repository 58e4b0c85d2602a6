import { httpUrlSetting } from '../../config/setting-types.js';
import { defineJobHandler } from '../../core/ports/index.js';
import { seededPick } from '../../core/simulation/seeded-random.js';
import contract from './contract.js';
import { QuotableClient } from './quotable.js';

const QUOTES = [
  { content: 'Simplicity is prerequisite for reliability.', author: 'Edsger W. Dijkstra', tags: ['technology'] },
  { content: 'The best way to predict the future is to invent it.', author: 'Alan Kay', tags: ['future'] },
  { content: 'Well begun is half done.', author: 'Aristotle', tags: ['wisdom'] },
];

export default defineJobHandler(contract, {
  source: 'quotable',
  settings: { QUOTABLE_URL: httpUrlSetting('https://api.quotable.io') },
  create: ({ settings, timeoutMs }) => new QuotableClient({ baseUrl: settings.QUOTABLE_URL, timeoutMs }).run,
  simulate: async (p) => {
    const matching = QUOTES.filter((q) => (!p.tag || q.tags.includes(p.tag)) && (!p.max_length || q.content.length <= p.max_length));
    const pick = seededPick(p, 'q', matching.length > 0 ? matching : QUOTES);
    return { ...pick, tags: [...pick.tags] };
  },
});

import { z } from 'zod';
import { defineJobType } from '../../contracts/job-type.js';

/** A random quotation, optionally with a tag and a maximum length. */
export default defineJobType({
  job_type: 'quote',
  display_name: 'Quote',
  description: 'A random quotation, optionally with a given tag and at most a given length.',
  payload: z.strictObject({
    tag: z
      .string()
      .regex(/^[a-z][a-z-]{0,39}$/, 'must be a lowercase tag such as "wisdom"')
      .optional()
      .meta({ description: 'Only quotes with this tag', examples: ['wisdom'] }),
    max_length: z
      .number()
      .int('must be a whole number')
      .min(20, 'must be at least 20')
      .max(500, 'must be at most 500')
      .optional()
      .meta({ title: 'Max length', description: 'At most this many characters' }),
  }),
  output: z.object({ content: z.string(), author: z.string(), tags: z.array(z.string()) }),
  example_payload: { tag: 'wisdom' },
  label: (p) => (p.tag ? `tag ${p.tag}` : 'any tag'),
});

import { describe, expect, it } from 'vitest';
import { DEFAULT_WEBHOOK_RETRY_SCHEDULE_MS } from '../../contracts/index.js';
import { loadConfig } from '../../config/index.js';
import { configProblems } from '../support/config-problems.js';

const SECRET_WORDS = 'must be whsec_ followed by the base64 of 24 to 64 random bytes (e.g. whsec_$(openssl rand -base64 32))';

describe('webhook settings', () => {
  it('refuses a WEBHOOK_SECRET that is not whsec_ and the base64 of 24 to 64 bytes, naming it', () => {
    for (const secret of ['s3cret', `whsec_${'!'.repeat(32)}`, `whsec_${Buffer.alloc(16).toString('base64')}`, `whsec_${Buffer.alloc(65).toString('base64')}`]) {
      expect(configProblems({ WEBHOOK_SECRET: secret })).toEqual([{ variable: 'WEBHOOK_SECRET', message: SECRET_WORDS }]);
    }
    expect(loadConfig({ WEBHOOK_SECRET: `whsec_${Buffer.alloc(32, 7).toString('base64')}` }).WEBHOOK_SECRET).toMatch(/^whsec_/);
  });

  it('reads CALLBACK_ALLOWED_HOSTS as lower-case hosts, and refuses a URL or a port in it', () => {
    expect(loadConfig({ CALLBACK_ALLOWED_HOSTS: ' Hooks.Example.com, 127.0.0.1 ,[::1]' }).CALLBACK_ALLOWED_HOSTS).toEqual(['hooks.example.com', '127.0.0.1', '[::1]']);
    for (const hosts of ['https://hooks.example.com', 'hooks.example.com:8443']) {
      expect(configProblems({ CALLBACK_ALLOWED_HOSTS: hosts }).map((p) => p.variable)).toEqual(['CALLBACK_ALLOWED_HOSTS']);
    }
  });

  it('takes a retry schedule of whole ms, the default one when unset', () => {
    expect(loadConfig({}).WEBHOOK_RETRY_SCHEDULE_MS).toEqual([...DEFAULT_WEBHOOK_RETRY_SCHEDULE_MS]);
    expect(loadConfig({ WEBHOOK_RETRY_SCHEDULE_MS: '100, 200' }).WEBHOOK_RETRY_SCHEDULE_MS).toEqual([100, 200]);
    expect(configProblems({ WEBHOOK_RETRY_SCHEDULE_MS: '1s,2s' })).toEqual([{ variable: 'WEBHOOK_RETRY_SCHEDULE_MS', message: 'must be 1 to 50 whole numbers of ms separated by commas' }]);
  });
});

// @vitest-environment jsdom
import { cleanup, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderWithQueryClient } from '../test-support/render-with-query.js';
import { failOnConsoleOutput } from '../test-support/console-guard.js';
import { fakeApi } from '../test-support/fake-api.js';
import { JobInput } from './JobInput.js';

failOnConsoleOutput();
afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

describe('job input', () => {
  it('shows a long value by its start and its length, and a short one whole', async () => {
    fakeApi({});
    const image = 'A'.repeat(5_000);
    renderWithQueryClient(<JobInput jobType="thumbnail" input={{ image_base64: image, format: 'webp' }} />);
    expect(await screen.findByText(`${'A'.repeat(200)}… (5,000 characters)`)).toBeTruthy();
    expect(screen.queryByText(image)).toBeNull();
    expect(screen.getByText('webp')).toBeTruthy();
  });
});

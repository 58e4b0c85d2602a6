import { QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import type { ReactElement } from 'react';
import { createQueryClient } from '../api/query-client.js';

/** Renders a view inside a fresh query client, as main.tsx does, and returns a user to drive it. */
export function renderWithQueryClient(ui: ReactElement) {
  render(<QueryClientProvider client={createQueryClient()}>{ui}</QueryClientProvider>);
  return userEvent.setup();
}

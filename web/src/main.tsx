import { QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.js';
import { createQueryClient } from './api/query-client.js';
import { ErrorBoundary } from './components/ErrorBoundary.js';
import { SignInStatus } from './components/SignInStatus.js';
import { SIGN_IN, ensureSignedIn } from './sign-in/msal-sign-in.js';
import './styles.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

const reactRoot = createRoot(root);
const renderApp = () =>
  reactRoot.render(
    <StrictMode>
      <ErrorBoundary>
        <QueryClientProvider client={createQueryClient()}>
          <App />
        </QueryClientProvider>
      </ErrorBoundary>
    </StrictMode>,
  );

// With Entra ID sign-in configured, nothing calls the API before someone is signed in: the
// first visit goes to Entra ID (MSAL, authorization code flow with PKCE) and comes back here.
if (SIGN_IN) {
  reactRoot.render(<SignInStatus />);
  ensureSignedIn(SIGN_IN).then(
    (signedIn) => {
      if (signedIn) renderApp();
    },
    (error: unknown) => reactRoot.render(<SignInStatus error={error} />),
  );
} else {
  renderApp();
}

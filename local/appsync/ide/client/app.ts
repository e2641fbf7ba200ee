/**
 * The IDE: a bar to sign in with the user pool (or paste a token), and GraphiQL below it, whose schema comes from
 * introspecting the endpoint with the current authorization. Written with `createElement`, not JSX, so the
 * project's TypeScript setup checks it as it is.
 */
import { GraphiQL } from 'graphiql';
import { createElement as h, useMemo, useState, type FormEvent, type ReactElement } from 'react';
import type { IdeConfig } from '../config.js';
import { browser, inputValue } from './browser.js';
import { signIn } from './cognito.js';
import { createAppSyncFetcher } from './fetcher.js';
import type { SubscriptionState } from './realtime-client.js';

/** Kept per browser tab, so a reload stays signed in. */
const TOKEN_KEY = 'appsync-ide:authorization';
const USER_KEY = 'appsync-ide:user';

const DEFAULT_QUERY = `# Sign in above (or paste a token), then write a query, mutation or subscription.
# Ctrl-Space completes from the schema; Ctrl-Enter runs. Subscriptions use the AppSync real-time protocol
# and show each event as it arrives.
`;

const SUBSCRIPTION_STATES: Record<SubscriptionState, string> = {
  connecting: 'Subscription: connecting…',
  subscribed: 'Subscription: subscribed, waiting for events',
  ended: 'Subscription: ended',
};

export function App({ config }: { readonly config: IdeConfig }): ReactElement {
  const [token, setToken] = useState(() => browser.sessionStorage.getItem(TOKEN_KEY) ?? '');
  const [user, setUser] = useState(() => browser.sessionStorage.getItem(USER_KEY));
  const [subscriptionState, setSubscriptionState] = useState<SubscriptionState | null>(null);
  const fetcher = useMemo(
    () => createAppSyncFetcher({ config, authorization: token, onSubscriptionState: setSubscriptionState }),
    [config, token],
  );
  const authorize = (newToken: string, newUser: string | null): void => {
    setToken(newToken);
    setUser(newUser);
    remember(TOKEN_KEY, newToken);
    remember(USER_KEY, newUser);
  };
  const params = new URLSearchParams(browser.location.search);
  return h(
    'div',
    { className: 'ide' },
    h(AuthBar, { config, token, user, authorize, status: subscriptionState && SUBSCRIPTION_STATES[subscriptionState] }),
    h(
      'div',
      { className: 'ide-graphiql' },
      h(GraphiQL, {
        fetcher,
        defaultQuery: DEFAULT_QUERY,
        // A link may carry the document to open (?query=…&variables=…).
        ...(params.has('query') ? { query: params.get('query') ?? '' } : {}),
        ...(params.has('variables') ? { variables: params.get('variables') ?? '' } : {}),
        defaultEditorToolsVisibility: params.has('variables') ? 'variables' : false,
      }),
    ),
  );
}

interface AuthBarProps {
  readonly config: IdeConfig;
  readonly token: string;
  readonly user: string | null;
  readonly authorize: (token: string, user: string | null) => void;
  readonly status: string | null;
}

function AuthBar({ config, token, user, authorize, status }: AuthBarProps): ReactElement {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const userPool = config.userPool;
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    if (!userPool) return;
    setBusy(true);
    signIn(userPool, username, password).then(
      (signedIn) => {
        authorize(signedIn.accessToken, signedIn.username);
        setPassword('');
        setMessage(null);
        setBusy(false);
      },
      (error: unknown) => {
        setMessage(error instanceof Error ? error.message : String(error));
        setBusy(false);
      },
    );
  };
  return h(
    'header',
    { className: 'ide-bar' },
    h('strong', { className: 'ide-title' }, `${config.apiName} · GraphQL`),
    userPool &&
      h(
        'form',
        { className: 'ide-sign-in', onSubmit: submit },
        h('input', {
          'aria-label': 'Username',
          placeholder: 'username or email',
          autoComplete: 'username',
          value: username,
          onChange: (event) => setUsername(inputValue(event)),
        }),
        h('input', {
          'aria-label': 'Password',
          placeholder: 'password',
          type: 'password',
          autoComplete: 'current-password',
          value: password,
          onChange: (event) => setPassword(inputValue(event)),
        }),
        h('button', { type: 'submit', disabled: busy || !username || !password }, 'Sign in'),
      ),
    h('input', {
      className: 'ide-token',
      'aria-label': 'Authorization',
      placeholder: 'Authorization (a user-pool token), sent with every request',
      value: token,
      onChange: (event) => authorize(inputValue(event).trim(), null),
    }),
    token && h('button', { type: 'button', onClick: () => authorize('', null) }, 'Sign out'),
    h(
      'span',
      { className: 'ide-status', role: 'status' },
      message ?? (user ? `Signed in as ${user}` : token ? 'Using the token above' : 'Not signed in'),
      status ? ` · ${status}` : '',
    ),
  );
}

function remember(key: string, value: string | null): void {
  if (value) browser.sessionStorage.setItem(key, value);
  else browser.sessionStorage.removeItem(key);
}

/** Sign in, sign up and sign-up confirmation against the app's Cognito user pool (local or AWS). */
import { useState, type FormEvent } from 'react';
import { confirmSignUp, signUp } from 'aws-amplify/auth';
import type { Chat } from '../../sdk/index.js';
import { isLocalCloud, type PageOutputs } from './outputs.js';
import { currentSession, describeError, type Session } from './session.js';

type Mode =
  | { readonly kind: 'signIn'; readonly notice?: string }
  | { readonly kind: 'signUp' }
  | { readonly kind: 'confirm'; readonly email: string; readonly password?: string; readonly destination?: string };

interface AuthScreenProps {
  readonly chat: Chat;
  readonly outputs: PageOutputs;
  readonly onSignedIn: (session: Session) => void;
}

export function AuthScreen({ chat, outputs, onSignedIn }: AuthScreenProps) {
  const [mode, setMode] = useState<Mode>({ kind: 'signIn' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  /** Runs a step, showing its failure; the step decides what comes next. */
  const run = async (step: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await step();
    } catch (failure) {
      setError(describeError(failure));
    } finally {
      setBusy(false);
    }
  };

  const signInAs = async (email: string, password: string) => {
    const result = await chat.auth.signIn(email, password);
    if (result.nextStep.signInStep === 'CONFIRM_SIGN_UP') {
      setMode({ kind: 'confirm', email, password });
      return;
    }
    if (!result.isSignedIn) throw new Error(`Cognito asks for ${result.nextStep.signInStep}, which this page does not support.`);
    const session = await currentSession(chat);
    if (session === null) throw new Error('Signed in, but Amplify has no current user.');
    onSignedIn(session);
  };

  const minLength = outputs.auth?.password_policy?.min_length ?? 8;

  return (
    <main className="auth">
      <h1>wavechat</h1>
      {mode.kind === 'signIn' && (
        <CredentialsForm
          title="Sign in"
          submitLabel="Sign in"
          passwordAutocomplete="current-password"
          busy={busy}
          notice={mode.notice}
          onSubmit={(email, password) => run(() => signInAs(email, password))}
        />
      )}
      {mode.kind === 'signUp' && (
        <CredentialsForm
          title="Create an account"
          submitLabel="Sign up"
          passwordAutocomplete="new-password"
          passwordHint={`At least ${minLength} characters.`}
          minLength={minLength}
          busy={busy}
          onSubmit={(email, password) =>
            run(async () => {
              const result = await signUp({ username: email, password, options: { userAttributes: { email } } });
              if (result.nextStep.signUpStep === 'CONFIRM_SIGN_UP') {
                setMode({ kind: 'confirm', email, password, destination: result.nextStep.codeDeliveryDetails.destination });
                return;
              }
              await signInAs(email, password);
            })
          }
        />
      )}
      {mode.kind === 'confirm' && (
        <ConfirmForm
          email={mode.email}
          destination={mode.destination}
          local={isLocalCloud(outputs)}
          busy={busy}
          onConfirm={(code) =>
            run(async () => {
              if (code === null) await confirmOnLocalCloud(outputs, mode.email);
              else await confirmSignUp({ username: mode.email, confirmationCode: code });
              if (mode.password === undefined) setMode({ kind: 'signIn', notice: 'Account confirmed: sign in.' });
              else await signInAs(mode.email, mode.password);
            })
          }
        />
      )}
      {error !== null && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <p className="switch">
        {mode.kind === 'signUp' ? (
          <button type="button" className="link" onClick={() => setMode({ kind: 'signIn' })}>
            I have an account: sign in
          </button>
        ) : (
          <button type="button" className="link" onClick={() => setMode({ kind: 'signUp' })}>
            Create an account
          </button>
        )}
      </p>
    </main>
  );
}

interface CredentialsFormProps {
  readonly title: string;
  readonly submitLabel: string;
  readonly passwordAutocomplete: 'current-password' | 'new-password';
  readonly passwordHint?: string;
  readonly minLength?: number;
  readonly notice?: string;
  readonly busy: boolean;
  readonly onSubmit: (email: string, password: string) => void;
}

function CredentialsForm(props: CredentialsFormProps) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    props.onSubmit(email.trim(), password);
  };
  return (
    <form className="card" aria-label={props.title} onSubmit={submit}>
      <h2>{props.title}</h2>
      {props.notice !== undefined && <p role="status">{props.notice}</p>}
      <label>
        Email
        <input type="email" required autoComplete="username" value={email} onChange={(e) => setEmail(e.target.value)} />
      </label>
      <label>
        Password
        <input
          type="password"
          required
          minLength={props.minLength}
          autoComplete={props.passwordAutocomplete}
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
      </label>
      {props.passwordHint !== undefined && <p className="hint">{props.passwordHint}</p>}
      <button type="submit" disabled={props.busy}>
        {props.submitLabel}
      </button>
    </form>
  );
}

interface ConfirmFormProps {
  readonly email: string;
  readonly destination?: string;
  readonly local: boolean;
  readonly busy: boolean;
  /** A code typed in, or null to confirm through the local cloud's admin API. */
  readonly onConfirm: (code: string | null) => void;
}

function ConfirmForm({ email, destination, local, busy, onConfirm }: ConfirmFormProps) {
  const [code, setCode] = useState('');
  return (
    <form
      className="card"
      aria-label="Confirm your account"
      onSubmit={(event) => {
        event.preventDefault();
        onConfirm(code.trim());
      }}
    >
      <h2>Confirm your account</h2>
      <p>
        {local
          ? `Cognito on AWS would email a code to ${email}; the local cloud sends no email.`
          : `Enter the code Cognito sent to ${destination ?? email}.`}
      </p>
      <label>
        Confirmation code
        <input inputMode="numeric" autoComplete="one-time-code" required={!local} value={code} onChange={(e) => setCode(e.target.value)} />
      </label>
      <button type="submit" disabled={busy || code.trim() === ''}>
        Confirm
      </button>
      {local && (
        <div className="local-note">
          <button type="button" disabled={busy} onClick={() => onConfirm(null)}>
            Confirm without a code (local cloud)
          </button>
        </div>
      )}
    </form>
  );
}

/**
 * The local cloud has no mail: confirm the sign-up as an administrator would, with AdminConfirmSignUp on
 * cognito-local (which, unlike Cognito, accepts it unsigned). Only offered when the outputs name a local user pool.
 */
async function confirmOnLocalCloud(outputs: PageOutputs, email: string): Promise<void> {
  const endpoint = outputs.custom?.wavechat?.userPoolEndpoint;
  const userPoolId = outputs.auth?.user_pool_id;
  if (endpoint === undefined || userPoolId === undefined) throw new Error('These outputs name no local user pool.');
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'AWSCognitoIdentityProviderService.AdminConfirmSignUp',
    },
    body: JSON.stringify({ UserPoolId: userPoolId, Username: email }),
  });
  if (!response.ok) {
    const body = (await response.json().catch(() => ({}))) as { message?: string; __type?: string };
    throw new Error(`Confirming ${email} failed: ${body.message ?? body.__type ?? response.statusText}`);
  }
}

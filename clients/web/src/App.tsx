/** Signed out: the sign-in and sign-up forms; signed in: the chat. */
import { useEffect, useState } from 'react';
import type { Chat } from '../../sdk/index.js';
import { AuthScreen } from './Auth.js';
import { ChatScreen } from './ChatScreen.js';
import type { PageOutputs } from './outputs.js';
import { currentSession, type Session } from './session.js';

export function App({ chat, outputs }: { readonly chat: Chat; readonly outputs: PageOutputs }) {
  // undefined while Amplify reads its stored tokens.
  const [session, setSession] = useState<Session | null | undefined>(undefined);

  useEffect(() => {
    let active = true;
    currentSession(chat).then(
      (found) => active && setSession(found),
      () => active && setSession(null),
    );
    return () => {
      active = false;
    };
  }, [chat]);

  if (session === undefined) return <p role="status">Loading…</p>;
  if (session === null) return <AuthScreen chat={chat} outputs={outputs} onSignedIn={setSession} />;
  return (
    <ChatScreen
      key={session.userId}
      chat={chat}
      outputs={outputs}
      session={session}
      onSignOut={async () => {
        await chat.auth.signOut();
        setSession(null);
      }}
    />
  );
}

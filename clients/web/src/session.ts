/** Who is signed in: the id the API knows (Cognito sub) and the email they signed in with. */
import { fetchAuthSession } from 'aws-amplify/auth';
import type { Chat } from '../../sdk/index.js';

export interface Session {
  readonly userId: string;
  readonly email: string;
}

/** The signed-in user, or null when nobody is (Amplify keeps tokens in localStorage across reloads). */
export async function currentSession(chat: Chat): Promise<Session | null> {
  let userId: string;
  try {
    userId = await chat.auth.currentUserId();
  } catch {
    return null;
  }
  const { tokens } = await fetchAuthSession();
  const email = tokens?.idToken?.payload.email;
  return { userId, email: typeof email === 'string' ? email : userId };
}

/** A short, stable name for another user: the API knows users by id only. */
export function shortUserId(userId: string): string {
  return userId.slice(0, 8);
}

/** The error text a person can act on. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

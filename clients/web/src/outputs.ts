/** The parts of `amplify_outputs.json` the page reads beyond what the SDK needs. */
import type { ChatOutputs } from '../../sdk/index.js';

export type PageOutputs = ChatOutputs & {
  readonly auth?: {
    readonly user_pool_id?: string;
    readonly password_policy?: { readonly min_length?: number };
  };
};

/** The served outputs, next to the page: swapping the file moves the same build between the local cloud and AWS. */
export async function loadOutputs(): Promise<PageOutputs> {
  const response = await fetch('/amplify_outputs.json', { cache: 'no-store' });
  if (!response.ok) throw new Error(`/amplify_outputs.json answered ${response.status} ${response.statusText}.`);
  return (await response.json()) as PageOutputs;
}

/** The local cloud names its user-pool endpoint; AWS outputs do not. */
export function isLocalCloud(outputs: PageOutputs): boolean {
  return outputs.custom?.wavechat?.userPoolEndpoint !== undefined;
}

/**
 * Where a browser that does not trust the local CA can accept the local AppSync's certificate (the real-time socket
 * is wss:// on the GraphQL port); null against AWS.
 */
export function localCertificatePage(outputs: PageOutputs): string | null {
  if (outputs.custom?.wavechat?.caFile === undefined) return null;
  const url = new URL(outputs.data.url);
  url.protocol = 'https:';
  return url.origin + '/';
}

/**
 * Node only: aws-amplify opens its real-time socket with the global `WebSocket`, which Node 20 lacks and whose
 * Node 22 version cannot be told to trust a private CA. Imported dynamically, so browser bundles never load `ws`.
 */
import { readFile } from 'node:fs/promises';
import { WebSocket as NodeWebSocket, type ClientOptions } from 'ws';

/**
 * Installs a global `WebSocket` built on `ws`, trusting `caFile` (the local cloud's CA) when given. Without a CA
 * an existing global `WebSocket` is kept.
 *
 * @example
 * await provideNodeWebSocket(outputs.custom?.wavechat?.caFile);
 */
export async function provideNodeWebSocket(caFile?: string): Promise<void> {
  const global = globalThis as { WebSocket?: unknown };
  if (caFile === undefined && global.WebSocket !== undefined) return;
  const options: ClientOptions = caFile === undefined ? {} : { ca: await readFile(caFile, 'utf8') };
  global.WebSocket = class WavechatNodeWebSocket extends NodeWebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols, options);
    }
  };
}

/**
 * The few browser APIs the IDE uses beyond those Node's types also declare (fetch, btoa, TextEncoder), typed here
 * narrowly: the project compiles without the DOM library, which would change timer and event types everywhere.
 */

export interface BrowserWebSocket {
  readonly readyState: number;
  onopen: (() => void) | null;
  onmessage: ((event: { readonly data: unknown }) => void) | null;
  onclose: ((event: { readonly code: number; readonly reason: string }) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

interface BrowserStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

interface BrowserGlobals {
  readonly WebSocket: { new (url: string, protocols: string[]): BrowserWebSocket; readonly OPEN: number };
  readonly document: { getElementById(id: string): { readonly textContent: string | null } | null };
  readonly location: { readonly protocol: string; readonly host: string; readonly search: string };
  readonly sessionStorage: BrowserStorage;
}

export const browser = globalThis as unknown as BrowserGlobals;

/** The text of the input an event came from (React's element types are empty without the DOM library). */
export function inputValue(event: { readonly currentTarget: unknown }): string {
  return (event.currentTarget as { readonly value: string }).value;
}

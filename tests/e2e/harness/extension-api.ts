/**
 * The slice of the `chrome` extension API the tests evaluate in the service worker or extension
 * pages. The project's tsconfig does not load @types/chrome globally (the extension uses WXT's
 * `browser`), so a test file that writes `chrome.` inside worker.evaluate declares it locally:
 *
 *   import type { ExtensionChrome } from './harness';
 *   declare const chrome: ExtensionChrome;
 */
export interface ChromeEventLike<A extends unknown[]> {
  addListener(callback: (...args: A) => void): void;
  hasListeners(): boolean;
  /** Not in the typings, present in Chrome: runs the listeners as the real event would. */
  dispatch(...args: A): void;
}

export interface ManifestLike {
  manifest_version: number;
  name: string;
  version: string;
  permissions?: string[];
  optional_permissions?: string[];
  host_permissions?: string[];
  optional_host_permissions?: string[];
  content_scripts?: { matches?: string[]; js?: string[]; css?: string[]; run_at?: string }[];
  background?: { service_worker?: string; type?: string };
  web_accessible_resources?: { resources: string[]; matches: string[] }[];
  [key: string]: unknown;
}

export interface StorageAreaLike {
  get(keys?: string | string[] | null): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
  remove(keys: string | string[]): Promise<void>;
  clear(): Promise<void>;
}

export interface ExtensionChrome {
  runtime: {
    id: string;
    getManifest(): ManifestLike;
    getURL(path: string): string;
    sendMessage(message: unknown): Promise<unknown>;
    getContexts?(filter: Record<string, unknown>): Promise<{ contextType: string; documentUrl?: string }[]>;
  };
  notifications: {
    getAll(callback: (all: Record<string, boolean>) => void): void;
    clear(id: string): Promise<boolean>;
    onClicked: ChromeEventLike<[notificationId: string]>;
    onButtonClicked: ChromeEventLike<[notificationId: string, buttonIndex: number]>;
    onClosed: ChromeEventLike<[notificationId: string, byUser: boolean]>;
  };
  storage: { local: StorageAreaLike; session: StorageAreaLike };
  action: { getBadgeText(details: { tabId?: number }): Promise<string> };
  offscreen?: { hasDocument?(): Promise<boolean>; closeDocument(): Promise<void> };
  extension?: { getViews(filter?: Record<string, unknown>): Window[] };
}

/**
 * The e2e harness. Typical test:
 *
 *   import { inject } from 'vitest';
 *   import { launchBrowser, expectFramesArriving, waitForState } from './harness';
 *   const alice = await launchBrowser(inject('extensionDir'), { name: 'alice' });
 *   ...
 *   await alice.close();
 *
 * The global setup (../global-setup.ts) builds the extension once against Birdcall's service and
 * provides `extensionDir` and `signalUrl`.
 */
export { launchBrowser, type BirdcallBrowser, type LaunchOptions, type XPageHtml, type WaitOptions } from './browser';
export { findChromium } from './chromium';
export { startService, startXModeService, type RunningService } from './service';
export { deepQuery, deepQueryAll, inspectDeep, findDeep, waitForDeep, clickDeep, testid } from './dom';
export { expectFramesArriving, readVideo, waitForState, readCallState, type VideoReading, type CallStateReading, type CallPhase } from './media';
export type { ExtensionChrome, ManifestLike, ChromeEventLike, StorageAreaLike } from './extension-api';
export { poll, sleep, type PollOptions } from './poll';
export {
  signIn,
  openProfile,
  callFromProfile,
  acceptFromNotification,
  popupRows,
  closeCallWindows,
  signalStatusOf,
  accountOf,
  waitForIdentity,
  useService,
  signInWithX,
  type Person,
  type RecentCallRow,
} from './people';
export { isPeerSignaling, recordSockets, type SocketRecorder, type SocketFrame } from './sockets';
export { setMediaPermission, type MediaSetting } from './permissions';
export { connectionsMade, selectedPath, setAlwaysRelay, videoScaleDownBy, watchPeerConnections } from './rtc-paths';
export { focusedControl, waitForFocus, tabTo, accessibleNode, accessibleNodes, type AccessibleNode } from './keyboard';
export { recordNotifications, ringingNotifications, type ShownNotification } from './notifications';

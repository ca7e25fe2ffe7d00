/* global ExtensionAPI, Services */
// Runs in Firefox's parent process (a WebExtension experiment, allowed for temporary add-ons with
// extensions.experiments.enabled). Notifications show as alert windows (alerts.useSystemBackend
// off); onAlertClick() is what a click on one runs: it tells the extension and closes the popup.
// Camera and microphone prompts are PopupNotifications ("doorhangers") of id webRTC-shareDevices,
// one per tab; only the selected tab's shows in its window's panel, where a person can click it.
const titleOf = (popup) => {
  const label = popup.document.getElementById('alertTitleLabel');
  return label?.getAttribute('value') || label?.textContent || '';
};

const WEBRTC_PROMPT = 'webRTC-shareDevices';

/** Every tab's camera/microphone prompt, with the element a person sees when its panel is open. */
function* webrtcPrompts() {
  for (const win of Services.wm.getEnumerator('navigator:browser')) {
    const { gBrowser, PopupNotifications } = win;
    for (const tab of gBrowser.tabs) {
      const notification = PopupNotifications.getNotification(WEBRTC_PROMPT, tab.linkedBrowser);
      if (!notification) continue;
      const element =
        PopupNotifications.panel.state === 'open' ? [...PopupNotifications.panel.children].find((el) => el.notification === notification) : undefined;
      yield { win, tab, url: tab.linkedBrowser.currentURI.spec, element };
    }
  }
}

this.birdcallTest = class extends ExtensionAPI {
  getAPI() {
    return {
      birdcallTest: {
        async clickNotification(title) {
          let clicked = 0;
          for (const popup of Services.wm.getEnumerator('alert:alert')) {
            if (titleOf(popup) !== title) continue;
            popup.onAlertClick();
            clicked++;
          }
          return clicked;
        },
        async notificationTitles() {
          return [...Services.wm.getEnumerator('alert:alert')].map(titleOf);
        },
        async askForMedia(ask) {
          Services.prefs.setBoolPref('media.navigator.permission.disabled', !ask);
        },
        async mediaPrompts() {
          return [...webrtcPrompts()].map(({ win, tab, url, element }) => ({
            url,
            pinned: tab.pinned,
            selected: tab.selected,
            shown: Boolean(element),
            windowFocused: Services.focus.activeWindow === win,
            remember: element ? element.checkbox.checked : null,
          }));
        },
        async answerMediaPrompt(url, allow, remember) {
          const prompt = [...webrtcPrompts()].find((p) => p.url === url && p.element);
          if (!prompt) return false;
          const { win, element } = prompt;
          // A click first focuses the window; Firefox ignores buttons in an inactive one.
          win.focus();
          if (!element.checkbox.hidden && element.checkbox.checked !== remember) element.checkbox.click();
          (allow ? element.button : element.secondaryButton).click();
          return true;
        },
      },
    };
  }
};

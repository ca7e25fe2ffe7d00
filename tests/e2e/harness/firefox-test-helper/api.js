/* global ExtensionAPI, Services */
// Runs in Firefox's parent process (a WebExtension experiment, allowed for temporary add-ons with
// extensions.experiments.enabled). Notifications show as alert windows (alerts.useSystemBackend
// off); onAlertClick() is what a click on one runs: it tells the extension and closes the popup.
const titleOf = (popup) => {
  const label = popup.document.getElementById('alertTitleLabel');
  return label?.getAttribute('value') || label?.textContent || '';
};

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
      },
    };
  }
};

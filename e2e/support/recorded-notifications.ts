/**
 * A page init script that replaces `window.Notification` with a recorder: each notification the page shows is
 * pushed to `window.__notes` (title, body, onclick) instead of reaching the desktop, so a test can read and
 * click it. Permission still comes from the real browser context.
 */
export const RECORD_WEB_NOTIFICATIONS = `
    (() => {
      const Real = window.Notification;
      window.__notes = [];
      function Recording(title, options) {
        this.title = title;
        this.body = (options && options.body) || '';
        this.onclick = null;
        this.close = () => undefined;
        window.__notes.push(this);
      }
      Object.defineProperty(Recording, 'permission', { get: () => Real.permission });
      Recording.requestPermission = () => Real.requestPermission();
      window.Notification = Recording;
    })();
  `;

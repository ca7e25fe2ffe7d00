import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { layoutIssues, type StoredLayoutIssue } from '@/lib/store';
import { byTestId, click, mount, settle, unmount } from '@/tests/unit/ui/harness';
import { LayoutNotice } from './LayoutNotice';
import { Popup } from './Popup';

const issue = (path: string, at = 1): StoredLayoutIssue => ({ surface: 'profile', path, anchors: ['profileMoreButton'], at });

beforeEach(() => fakeBrowser.reset());
afterEach(() => unmount());

describe('layout notice', () => {
  it('is not shown without reports', async () => {
    const page = await mount(<Popup />);
    expect(page.querySelector('[data-testid="birdcall-layout-notice"]')).toBeNull();
  });

  it('says honestly what happened, where, and goes away when dismissed', async () => {
    await layoutIssues.setValue([issue('/bob'), issue('/carol/media')]);
    const page = await mount(<Popup />);
    const notice = byTestId(page, 'birdcall-layout-notice');
    expect(notice.textContent).toContain("Birdcall could not find where to put its buttons on X's profile page; X may have changed its layout.");
    expect(notice.textContent).toContain('Seen on /bob, /carol/media.');
    expect(notice.getAttribute('role')).toBe('status');
    await click(byTestId(page, 'birdcall-layout-dismiss'));
    expect(await layoutIssues.getValue()).toEqual([]);
    expect(page.querySelector('[data-testid="birdcall-layout-notice"]')).toBeNull();
  });

  it('appears while the popup is open when a report comes in, and shortens long lists', async () => {
    const page = await mount(<Popup />);
    await layoutIssues.setValue(['/a', '/b', '/c', '/d', '/e'].map((path) => issue(path)));
    await settle();
    expect(byTestId(page, 'birdcall-layout-notice').textContent).toContain('Seen on /a, /b, /c and 2 more.');
  });

  it('renders nothing for an empty or unloaded list', async () => {
    const page = await mount(<LayoutNotice issues={undefined} onDismiss={() => {}} />);
    expect(page.innerHTML).toBe('');
  });
});
